//! Manifest loading (feature `yaml`).
