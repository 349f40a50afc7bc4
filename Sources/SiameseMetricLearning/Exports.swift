// Encoders and `SiameseNetwork` live in SiameseModels (floor 4); programs that import the metric-learning module
// keep seeing them, as before the split.
@_exported import SiameseModels
