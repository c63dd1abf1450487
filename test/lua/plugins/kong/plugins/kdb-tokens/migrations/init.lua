return {
  "000_base_kdb_tokens",
}
