"""terpseed: the runtime shared by the schema chain, the seed chain and the checks."""
