//! Defaulting, exactly as the API server applies apps/v1 defaults.
