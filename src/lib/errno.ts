// Linux errno values and their messages. Expected failures at the dpif, netdev,
// netlink and datapath boundaries are these numbers (as in netlink acks), so
// every layer shares one table; ovsStrerror() gives the text OVS prints.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENFILE = 23;
export const EMFILE = 24;
export const EFBIG = 27;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const EROFS = 30;
export const EPIPE = 32;
export const EDOM = 33;
export const ERANGE = 34;
export const EDEADLK = 35;
export const ENAMETOOLONG = 36;
export const ENOLCK = 37;
export const ENOSYS = 38;
export const ENOTEMPTY = 39;
export const ELOOP = 40;
export const ENOMSG = 42;
export const ENODATA = 61;
export const ETIME = 62;
export const EPROTO = 71;
export const EBADMSG = 74;
export const EOVERFLOW = 75;
export const EMSGSIZE = 90;
export const EPROTOTYPE = 91;
export const ENOPROTOOPT = 92;
export const EPROTONOSUPPORT = 93;
export const EOPNOTSUPP = 95;
export const EAFNOSUPPORT = 97;
export const EADDRINUSE = 98;
export const EADDRNOTAVAIL = 99;
export const ENETDOWN = 100;
export const ENETUNREACH = 101;
export const ECONNABORTED = 103;
export const ECONNRESET = 104;
export const ENOBUFS = 105;
export const EISCONN = 106;
export const ENOTCONN = 107;
export const ETIMEDOUT = 110;
export const ECONNREFUSED = 111;
export const EHOSTDOWN = 112;
export const EHOSTUNREACH = 113;
export const EALREADY = 114;
export const EINPROGRESS = 115;
export const ECANCELED = 125;

/** Symbolic name and glibc message for each errno above. */
const ERRNO_TABLE: ReadonlyArray<readonly [number, string, string]> = [
  [EPERM, 'EPERM', 'Operation not permitted'],
  [ENOENT, 'ENOENT', 'No such file or directory'],
  [ESRCH, 'ESRCH', 'No such process'],
  [EINTR, 'EINTR', 'Interrupted system call'],
  [EIO, 'EIO', 'Input/output error'],
  [ENXIO, 'ENXIO', 'No such device or address'],
  [E2BIG, 'E2BIG', 'Argument list too long'],
  [EBADF, 'EBADF', 'Bad file descriptor'],
  [EAGAIN, 'EAGAIN', 'Resource temporarily unavailable'],
  [ENOMEM, 'ENOMEM', 'Cannot allocate memory'],
  [EACCES, 'EACCES', 'Permission denied'],
  [EFAULT, 'EFAULT', 'Bad address'],
  [EBUSY, 'EBUSY', 'Device or resource busy'],
  [EEXIST, 'EEXIST', 'File exists'],
  [ENODEV, 'ENODEV', 'No such device'],
  [ENOTDIR, 'ENOTDIR', 'Not a directory'],
  [EISDIR, 'EISDIR', 'Is a directory'],
  [EINVAL, 'EINVAL', 'Invalid argument'],
  [ENFILE, 'ENFILE', 'Too many open files in system'],
  [EMFILE, 'EMFILE', 'Too many open files'],
  [EFBIG, 'EFBIG', 'File too large'],
  [ENOSPC, 'ENOSPC', 'No space left on device'],
  [ESPIPE, 'ESPIPE', 'Illegal seek'],
  [EROFS, 'EROFS', 'Read-only file system'],
  [EPIPE, 'EPIPE', 'Broken pipe'],
  [EDOM, 'EDOM', 'Numerical argument out of domain'],
  [ERANGE, 'ERANGE', 'Numerical result out of range'],
  [EDEADLK, 'EDEADLK', 'Resource deadlock avoided'],
  [ENAMETOOLONG, 'ENAMETOOLONG', 'File name too long'],
  [ENOLCK, 'ENOLCK', 'No locks available'],
  [ENOSYS, 'ENOSYS', 'Function not implemented'],
  [ENOTEMPTY, 'ENOTEMPTY', 'Directory not empty'],
  [ELOOP, 'ELOOP', 'Too many levels of symbolic links'],
  [ENOMSG, 'ENOMSG', 'No message of desired type'],
  [ENODATA, 'ENODATA', 'No data available'],
  [ETIME, 'ETIME', 'Timer expired'],
  [EPROTO, 'EPROTO', 'Protocol error'],
  [EBADMSG, 'EBADMSG', 'Bad message'],
  [EOVERFLOW, 'EOVERFLOW', 'Value too large for defined data type'],
  [EMSGSIZE, 'EMSGSIZE', 'Message too long'],
  [EPROTOTYPE, 'EPROTOTYPE', 'Protocol wrong type for socket'],
  [ENOPROTOOPT, 'ENOPROTOOPT', 'Protocol not available'],
  [EPROTONOSUPPORT, 'EPROTONOSUPPORT', 'Protocol not supported'],
  [EOPNOTSUPP, 'EOPNOTSUPP', 'Operation not supported'],
  [EAFNOSUPPORT, 'EAFNOSUPPORT', 'Address family not supported by protocol'],
  [EADDRINUSE, 'EADDRINUSE', 'Address already in use'],
  [EADDRNOTAVAIL, 'EADDRNOTAVAIL', 'Cannot assign requested address'],
  [ENETDOWN, 'ENETDOWN', 'Network is down'],
  [ENETUNREACH, 'ENETUNREACH', 'Network is unreachable'],
  [ECONNABORTED, 'ECONNABORTED', 'Software caused connection abort'],
  [ECONNRESET, 'ECONNRESET', 'Connection reset by peer'],
  [ENOBUFS, 'ENOBUFS', 'No buffer space available'],
  [EISCONN, 'EISCONN', 'Transport endpoint is already connected'],
  [ENOTCONN, 'ENOTCONN', 'Transport endpoint is not connected'],
  [ETIMEDOUT, 'ETIMEDOUT', 'Connection timed out'],
  [ECONNREFUSED, 'ECONNREFUSED', 'Connection refused'],
  [EHOSTDOWN, 'EHOSTDOWN', 'Host is down'],
  [EHOSTUNREACH, 'EHOSTUNREACH', 'No route to host'],
  [EALREADY, 'EALREADY', 'Operation already in progress'],
  [EINPROGRESS, 'EINPROGRESS', 'Operation now in progress'],
  [ECANCELED, 'ECANCELED', 'Operation canceled'],
];

const NAMES = new Map<number, string>();
const MESSAGES = new Map<number, string>();
const BY_NAME = new Map<string, number>();
for (const [value, name, message] of ERRNO_TABLE) {
  NAMES.set(value, name);
  MESSAGES.set(value, message);
  BY_NAME.set(name, value);
}

/** "EEXIST" for 17; "EOF" for EOF; "E123" for a number the table lacks. */
export function errnoName(errno: number): string {
  if (errno === EOF) return 'EOF';
  return NAMES.get(errno) ?? `E${errno}`;
}

/** The errno for a symbolic name such as "ENOENT" (as Node's SystemError.code), or undefined. */
export function errnoFromName(name: string): number | undefined {
  return BY_NAME.get(name);
}

/**
 * The text OVS prints for an error: glibc's message for a positive errno,
 * "Success" for 0 and "End of file" for EOF (OVS's convention, errno -1 here).
 */
export function ovsStrerror(errno: number): string {
  if (errno === 0) return 'Success';
  if (errno === EOF) return 'End of file';
  return MESSAGES.get(errno) ?? `Unknown error ${errno}`;
}

/** OVS passes end of file around as an errno-like value; so do we. */
export const EOF = -1;
