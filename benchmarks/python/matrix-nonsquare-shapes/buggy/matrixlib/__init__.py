"""Dense matrices as lists of row lists."""
