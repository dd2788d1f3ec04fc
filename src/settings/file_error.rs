//! Why a file that the settings name was not read.

use std::fmt;

/// Why a file named by the settings (a certificate entry, or the settings file itself) was not
/// read. The CLI reads files; the page has none and gives the reason as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// A directory, FIFO, socket or device: refused before reading, since a device may never
    /// end (`/dev/zero`) and a FIFO may never be written to.
    NotRegular { kind: &'static str },
    /// More than `limit` bytes: only `limit + 1` were read.
    TooLarge { limit: usize },
    /// Bytes that are not UTF-8 text (a DER file, for instance).
    NotText,
    /// The operating system's reason (no such file, permission denied, ...).
    Unreadable { why: String },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotRegular { kind } => write!(
                f,
                "it is a {kind}, not a regular file (only regular files are read: a device or a \
                 FIFO may never end)"
            ),
            FileError::TooLarge { limit } => write!(
                f,
                "it is larger than {} KiB ({limit} bytes), the most istio-alb reads for one input",
                limit / 1024
            ),
            FileError::NotText => f.write_str(
                "it is not text (a DER file? convert it with `openssl x509 -inform der -in FILE`)",
            ),
            FileError::Unreadable { why } => f.write_str(why),
        }
    }
}

impl std::error::Error for FileError {}

/// A resolver that explains its refusals in words (tests, the page) gives [`FileError::Unreadable`].
impl From<String> for FileError {
    fn from(why: String) -> Self {
        FileError::Unreadable { why }
    }
}
