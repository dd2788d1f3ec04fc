//! Reading the files a settings file names, and the settings file itself: regular files only,
//! and never more than the limit plus one byte, so that `/dev/zero` cannot exhaust memory and a
//! FIFO cannot hang the command (issue 22).

use crate::settings::FileError;
use std::fs::{File, FileType, OpenOptions};
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::Path;

/// What kind of file a non-regular file is, in words.
fn kind(t: FileType) -> &'static str {
    if t.is_dir() {
        "directory"
    } else if t.is_fifo() {
        "FIFO (named pipe)"
    } else if t.is_char_device() {
        "character device"
    } else if t.is_block_device() {
        "block device"
    } else if t.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

/// Open `path` for reading without blocking: opening a FIFO with `O_NONBLOCK` returns at once
/// instead of waiting for a writer (open(2)), so the type is checked on the open file itself
/// (no window between a check by name and the open).
fn open(path: &Path) -> Result<File, FileError> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| FileError::Unreadable { why: e.to_string() })?;
    let t = file
        .metadata()
        .map_err(|e| FileError::Unreadable { why: e.to_string() })?
        .file_type();
    if t.is_file() {
        Ok(file)
    } else {
        Err(FileError::NotRegular { kind: kind(t) })
    }
}

/// The text of the regular file at `path`, if it holds at most `limit` bytes of UTF-8.
pub(crate) fn read_text(path: &Path, limit: usize) -> Result<String, FileError> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|_| FileError::NotText)
}

/// The bytes of the regular file at `path`, if it holds at most `limit` of them.
pub(crate) fn read_bytes(path: &Path, limit: usize) -> Result<Vec<u8>, FileError> {
    let file = open(path)?;
    let mut bytes = Vec::new();
    let wanted = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(wanted)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::Unreadable { why: e.to_string() })?;
    if bytes.len() > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_up_to_the_limit_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at_limit = dir.path().join("ten");
        std::fs::write(&at_limit, "0123456789").expect("write");
        assert_eq!(read_text(&at_limit, 10), Ok("0123456789".into()));
        assert_eq!(
            read_text(&at_limit, 9),
            Err(FileError::TooLarge { limit: 9 })
        );
        assert_eq!(
            read_text(dir.path(), 10),
            Err(FileError::NotRegular { kind: "directory" })
        );
        assert_eq!(
            read_text(Path::new("/dev/zero"), 10),
            Err(FileError::NotRegular {
                kind: "character device"
            })
        );
        let der = dir.path().join("der");
        std::fs::write(&der, [0x30, 0x82, 0xff]).expect("write");
        assert_eq!(read_text(&der, 10), Err(FileError::NotText));
        assert!(matches!(
            read_text(&dir.path().join("absent"), 10),
            Err(FileError::Unreadable { .. })
        ));
    }
}
