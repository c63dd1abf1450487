error("schema exploded")
