//! Validation, exactly as the API server validates apps/v1 DaemonSets.
