//! The process's address space (VmSize in /proc/self/status) and the RLIMIT_AS limit on it, read
//! and set without allocating (the allocator's failure line reads it).

/** VmSize in bytes, 0 if /proc is unreadable. */
pub fn vm_size_bytes() -> u64 {
    let mut buffer = [0u8; 4096];
    let fd = unsafe { libc::open(b"/proc/self/status\0".as_ptr().cast(), libc::O_RDONLY) };
    if fd < 0 {
        return 0;
    }
    let n = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
    unsafe { libc::close(fd) };
    if n <= 0 {
        return 0;
    }
    kilobytes_after(&buffer[..n as usize], b"VmSize:") * 1024
}

fn kilobytes_after(text: &[u8], key: &[u8]) -> u64 {
    let start = match text.windows(key.len()).position(|w| w == key) {
        Some(start) => start,
        None => return 0,
    };
    text[start + key.len()..]
        .iter()
        .skip_while(|b| !b.is_ascii_digit())
        .take_while(|b| b.is_ascii_digit())
        .fold(0, |n, b| n * 10 + u64::from(b - b'0'))
}

/** setrlimit(RLIMIT_AS, bytes): the limit the whole process's address space runs under. */
pub fn limit_address_space(bytes: u64) -> std::io::Result<()> {
    let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/** Free bytes in glibc's main arena (mallinfo2's fordblks: free chunks and the unused top). */
pub fn arena_free_bytes() -> u64 {
    unsafe { libc::mallinfo2() }.fordblks as u64
}

/**
 * The process baseline: the address space held that is not a chunk of a live allocation (binary,
 * libc, ld.so, stack, vdso, the arena's unused top): VmSize less the arena's free bytes. What the
 * lab's glibc footprint model adds as `baselineBytes` to predict an RLIMIT_AS failure.
 */
pub fn baseline_bytes() -> u64 {
    vm_size_bytes().saturating_sub(arena_free_bytes())
}
