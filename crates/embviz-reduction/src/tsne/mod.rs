//! t-distributed stochastic neighbour embedding.
