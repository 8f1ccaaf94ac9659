//! Reading files a user names or another run may have planted: only regular
//! files, opened without waiting, so a FIFO, a device or a huge file can
//! neither stall a run past `-t` nor fill its memory.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Whether a symlink at the path itself is followed: yes for files the
/// user names (a symlinked token file is fine), no in the cache directory.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// `path` opened with `options` if it is a regular file, with its size.
pub fn open_regular(
    path: &Path,
    options: &mut OpenOptions,
    links: Links,
) -> io::Result<(File, u64)> {
    let flags = match links {
        Links::Follow => libc::O_NONBLOCK,
        Links::Refuse => libc::O_NOFOLLOW | libc::O_NONBLOCK,
    };
    let file = options.custom_flags(flags).open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((file, metadata.len()))
}

/// Up to `limit` bytes of the regular file `path`.
pub fn read_regular(path: &Path, limit: u64, links: Links) -> io::Result<Vec<u8>> {
    let (file, size) = open_regular(path, OpenOptions::new().read(true), links)?;
    // Sized up front: one read instead of a dozen doubling ones.
    let size = size.min(limit);
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}
