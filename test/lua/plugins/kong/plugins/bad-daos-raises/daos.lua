error("daos exploded")
