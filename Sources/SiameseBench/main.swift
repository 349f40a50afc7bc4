print("siamese-bench: not yet")
