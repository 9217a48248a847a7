package io.ublksnap.ffi;

import io.ublksnap.ffi.c.libc_h;

import java.lang.foreign.MemorySegment;

/**
 * Linux errno values (x86-64, {@code <asm-generic/errno-base.h>} and {@code <asm-generic/errno.h>}) and their names.
 * io_uring completions and liburing calls report errors as {@code -errno}; {@link NativeException} carries the
 * positive value. Aliases: {@code EWOULDBLOCK == EAGAIN}, {@code EDEADLOCK == EDEADLK}, {@code ENOTSUP == EOPNOTSUPP}.
 */
public final class Errno {

    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int ENOTBLK = 15;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int EDOM = 33;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOLCK = 37;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENOMSG = 42;
    public static final int EIDRM = 43;
    public static final int ECHRNG = 44;
    public static final int EL2NSYNC = 45;
    public static final int EL3HLT = 46;
    public static final int EL3RST = 47;
    public static final int ELNRNG = 48;
    public static final int EUNATCH = 49;
    public static final int ENOCSI = 50;
    public static final int EL2HLT = 51;
    public static final int EBADE = 52;
    public static final int EBADR = 53;
    public static final int EXFULL = 54;
    public static final int ENOANO = 55;
    public static final int EBADRQC = 56;
    public static final int EBADSLT = 57;
    public static final int EBFONT = 59;
    public static final int ENOSTR = 60;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int ENOSR = 63;
    public static final int ENONET = 64;
    public static final int ENOPKG = 65;
    public static final int EREMOTE = 66;
    public static final int ENOLINK = 67;
    public static final int EADV = 68;
    public static final int ESRMNT = 69;
    public static final int ECOMM = 70;
    public static final int EPROTO = 71;
    public static final int EMULTIHOP = 72;
    public static final int EDOTDOT = 73;
    public static final int EBADMSG = 74;
    public static final int EOVERFLOW = 75;
    public static final int ENOTUNIQ = 76;
    public static final int EBADFD = 77;
    public static final int EREMCHG = 78;
    public static final int ELIBACC = 79;
    public static final int ELIBBAD = 80;
    public static final int ELIBSCN = 81;
    public static final int ELIBMAX = 82;
    public static final int ELIBEXEC = 83;
    public static final int EILSEQ = 84;
    public static final int ERESTART = 85;
    public static final int ESTRPIPE = 86;
    public static final int EUSERS = 87;
    public static final int ENOTSOCK = 88;
    public static final int EDESTADDRREQ = 89;
    public static final int EMSGSIZE = 90;
    public static final int EPROTOTYPE = 91;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EOPNOTSUPP = 95;
    public static final int EPFNOSUPPORT = 96;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ENETRESET = 102;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETOOMANYREFS = 109;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ESTALE = 116;
    public static final int EUCLEAN = 117;
    public static final int ENOTNAM = 118;
    public static final int ENAVAIL = 119;
    public static final int EISNAM = 120;
    public static final int EREMOTEIO = 121;
    public static final int EDQUOT = 122;
    public static final int ENOMEDIUM = 123;
    public static final int EMEDIUMTYPE = 124;
    public static final int ECANCELED = 125;
    public static final int ENOKEY = 126;
    public static final int EKEYEXPIRED = 127;
    public static final int EKEYREVOKED = 128;
    public static final int EKEYREJECTED = 129;
    public static final int EOWNERDEAD = 130;
    public static final int ENOTRECOVERABLE = 131;
    public static final int ERFKILL = 132;
    public static final int EHWPOISON = 133;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int EDEADLOCK = EDEADLK;
    public static final int ENOTSUP = EOPNOTSUPP;

    private static final String[] NAMES = new String[EHWPOISON + 1];

    static {
        NAMES[EPERM] = "EPERM";
        NAMES[ENOENT] = "ENOENT";
        NAMES[ESRCH] = "ESRCH";
        NAMES[EINTR] = "EINTR";
        NAMES[EIO] = "EIO";
        NAMES[ENXIO] = "ENXIO";
        NAMES[E2BIG] = "E2BIG";
        NAMES[ENOEXEC] = "ENOEXEC";
        NAMES[EBADF] = "EBADF";
        NAMES[ECHILD] = "ECHILD";
        NAMES[EAGAIN] = "EAGAIN";
        NAMES[ENOMEM] = "ENOMEM";
        NAMES[EACCES] = "EACCES";
        NAMES[EFAULT] = "EFAULT";
        NAMES[ENOTBLK] = "ENOTBLK";
        NAMES[EBUSY] = "EBUSY";
        NAMES[EEXIST] = "EEXIST";
        NAMES[EXDEV] = "EXDEV";
        NAMES[ENODEV] = "ENODEV";
        NAMES[ENOTDIR] = "ENOTDIR";
        NAMES[EISDIR] = "EISDIR";
        NAMES[EINVAL] = "EINVAL";
        NAMES[ENFILE] = "ENFILE";
        NAMES[EMFILE] = "EMFILE";
        NAMES[ENOTTY] = "ENOTTY";
        NAMES[ETXTBSY] = "ETXTBSY";
        NAMES[EFBIG] = "EFBIG";
        NAMES[ENOSPC] = "ENOSPC";
        NAMES[ESPIPE] = "ESPIPE";
        NAMES[EROFS] = "EROFS";
        NAMES[EMLINK] = "EMLINK";
        NAMES[EPIPE] = "EPIPE";
        NAMES[EDOM] = "EDOM";
        NAMES[ERANGE] = "ERANGE";
        NAMES[EDEADLK] = "EDEADLK";
        NAMES[ENAMETOOLONG] = "ENAMETOOLONG";
        NAMES[ENOLCK] = "ENOLCK";
        NAMES[ENOSYS] = "ENOSYS";
        NAMES[ENOTEMPTY] = "ENOTEMPTY";
        NAMES[ELOOP] = "ELOOP";
        NAMES[ENOMSG] = "ENOMSG";
        NAMES[EIDRM] = "EIDRM";
        NAMES[ECHRNG] = "ECHRNG";
        NAMES[EL2NSYNC] = "EL2NSYNC";
        NAMES[EL3HLT] = "EL3HLT";
        NAMES[EL3RST] = "EL3RST";
        NAMES[ELNRNG] = "ELNRNG";
        NAMES[EUNATCH] = "EUNATCH";
        NAMES[ENOCSI] = "ENOCSI";
        NAMES[EL2HLT] = "EL2HLT";
        NAMES[EBADE] = "EBADE";
        NAMES[EBADR] = "EBADR";
        NAMES[EXFULL] = "EXFULL";
        NAMES[ENOANO] = "ENOANO";
        NAMES[EBADRQC] = "EBADRQC";
        NAMES[EBADSLT] = "EBADSLT";
        NAMES[EBFONT] = "EBFONT";
        NAMES[ENOSTR] = "ENOSTR";
        NAMES[ENODATA] = "ENODATA";
        NAMES[ETIME] = "ETIME";
        NAMES[ENOSR] = "ENOSR";
        NAMES[ENONET] = "ENONET";
        NAMES[ENOPKG] = "ENOPKG";
        NAMES[EREMOTE] = "EREMOTE";
        NAMES[ENOLINK] = "ENOLINK";
        NAMES[EADV] = "EADV";
        NAMES[ESRMNT] = "ESRMNT";
        NAMES[ECOMM] = "ECOMM";
        NAMES[EPROTO] = "EPROTO";
        NAMES[EMULTIHOP] = "EMULTIHOP";
        NAMES[EDOTDOT] = "EDOTDOT";
        NAMES[EBADMSG] = "EBADMSG";
        NAMES[EOVERFLOW] = "EOVERFLOW";
        NAMES[ENOTUNIQ] = "ENOTUNIQ";
        NAMES[EBADFD] = "EBADFD";
        NAMES[EREMCHG] = "EREMCHG";
        NAMES[ELIBACC] = "ELIBACC";
        NAMES[ELIBBAD] = "ELIBBAD";
        NAMES[ELIBSCN] = "ELIBSCN";
        NAMES[ELIBMAX] = "ELIBMAX";
        NAMES[ELIBEXEC] = "ELIBEXEC";
        NAMES[EILSEQ] = "EILSEQ";
        NAMES[ERESTART] = "ERESTART";
        NAMES[ESTRPIPE] = "ESTRPIPE";
        NAMES[EUSERS] = "EUSERS";
        NAMES[ENOTSOCK] = "ENOTSOCK";
        NAMES[EDESTADDRREQ] = "EDESTADDRREQ";
        NAMES[EMSGSIZE] = "EMSGSIZE";
        NAMES[EPROTOTYPE] = "EPROTOTYPE";
        NAMES[ENOPROTOOPT] = "ENOPROTOOPT";
        NAMES[EPROTONOSUPPORT] = "EPROTONOSUPPORT";
        NAMES[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT";
        NAMES[EOPNOTSUPP] = "EOPNOTSUPP";
        NAMES[EPFNOSUPPORT] = "EPFNOSUPPORT";
        NAMES[EAFNOSUPPORT] = "EAFNOSUPPORT";
        NAMES[EADDRINUSE] = "EADDRINUSE";
        NAMES[EADDRNOTAVAIL] = "EADDRNOTAVAIL";
        NAMES[ENETDOWN] = "ENETDOWN";
        NAMES[ENETUNREACH] = "ENETUNREACH";
        NAMES[ENETRESET] = "ENETRESET";
        NAMES[ECONNABORTED] = "ECONNABORTED";
        NAMES[ECONNRESET] = "ECONNRESET";
        NAMES[ENOBUFS] = "ENOBUFS";
        NAMES[EISCONN] = "EISCONN";
        NAMES[ENOTCONN] = "ENOTCONN";
        NAMES[ESHUTDOWN] = "ESHUTDOWN";
        NAMES[ETOOMANYREFS] = "ETOOMANYREFS";
        NAMES[ETIMEDOUT] = "ETIMEDOUT";
        NAMES[ECONNREFUSED] = "ECONNREFUSED";
        NAMES[EHOSTDOWN] = "EHOSTDOWN";
        NAMES[EHOSTUNREACH] = "EHOSTUNREACH";
        NAMES[EALREADY] = "EALREADY";
        NAMES[EINPROGRESS] = "EINPROGRESS";
        NAMES[ESTALE] = "ESTALE";
        NAMES[EUCLEAN] = "EUCLEAN";
        NAMES[ENOTNAM] = "ENOTNAM";
        NAMES[ENAVAIL] = "ENAVAIL";
        NAMES[EISNAM] = "EISNAM";
        NAMES[EREMOTEIO] = "EREMOTEIO";
        NAMES[EDQUOT] = "EDQUOT";
        NAMES[ENOMEDIUM] = "ENOMEDIUM";
        NAMES[EMEDIUMTYPE] = "EMEDIUMTYPE";
        NAMES[ECANCELED] = "ECANCELED";
        NAMES[ENOKEY] = "ENOKEY";
        NAMES[EKEYEXPIRED] = "EKEYEXPIRED";
        NAMES[EKEYREVOKED] = "EKEYREVOKED";
        NAMES[EKEYREJECTED] = "EKEYREJECTED";
        NAMES[EOWNERDEAD] = "EOWNERDEAD";
        NAMES[ENOTRECOVERABLE] = "ENOTRECOVERABLE";
        NAMES[ERFKILL] = "ERFKILL";
        NAMES[EHWPOISON] = "EHWPOISON";
    }

    /**
     * The symbolic name of {@code errno} ({@code "ENOENT"}); a negative value (as in a CQE result) is negated first.
     * Unknown values give {@code "errno <n>"}.
     */
    public static String name(int errno) {
        int e = Math.abs(errno);
        if (e < NAMES.length && NAMES[e] != null) {
            return NAMES[e];
        }
        return "errno " + e;
    }

    /** The C library's description of {@code errno} ({@code strerror}), e.g. "No such file or directory". */
    public static String describe(int errno) {
        MemorySegment text = libc_h.strerror(Math.abs(errno));
        if (text.equals(MemorySegment.NULL)) {
            return "Unknown error " + Math.abs(errno);
        }
        return text.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** {@code "ENOENT (No such file or directory)"}. */
    public static String format(int errno) {
        return name(errno) + " (" + describe(errno) + ")";
    }
}
