//! The real-world corpus: real DaemonSet manifests (`manifests/`), node lists (`nodes/`) and
//! pod dumps (`pods/`), found at `$DSPLAN_REALWORLD` or else at `../shared/realworld` beside
//! the crate. The tests that read it pass without checking anything when it is absent, and say
//! so on stdout.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The environment variable naming the corpus' directory (the one holding `manifests/`; the
/// `manifests/` directory itself is taken too).
pub const ENV: &str = "DSPLAN_REALWORLD";

/// The corpus' directory, or `None` (with a note on stdout) when it has no `manifests/`.
pub fn root() -> Option<PathBuf> {
    let dir = match std::env::var_os(ENV) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld"),
    };
    let dir = if dir.join("manifests").is_dir() || !dir.ends_with("manifests") {
        dir
    } else {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    };
    if dir.join("manifests").is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} is absent: the real-manifest checks are skipped",
            dir.join("manifests").display()
        );
        None
    }
}

/// The `.yaml` files of `manifests/`, in name order, with their file stems.
pub fn manifests(root: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("manifests"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, path)
        })
        .collect();
    files.sort();
    files
}

/// The DaemonSet documents of each manifest, as JSON values, by file stem in name order (a
/// manifest without one is listed with none).
pub fn daemon_set_documents(root: &Path) -> Vec<(String, Vec<Value>)> {
    manifests(root)
        .into_iter()
        .map(|(name, path)| {
            let daemon_sets = documents(&std::fs::read_to_string(&path).unwrap())
                .into_iter()
                .filter(|doc| doc.get("kind").and_then(Value::as_str) == Some("DaemonSet"))
                .collect();
            (name, daemon_sets)
        })
        .collect()
}

/// The documents of a YAML stream, as JSON values (empty documents left out).
pub fn documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| Value::deserialize(doc).expect("YAML document"))
        .filter(|doc| !doc.is_null())
        .collect()
}
