// Transport headers: TCP (flags, offsets, options), UDP and SCTP. Used by flow
// extraction (ports, tcp_flags), set-field actions (checksum updates), the
// builder and decoder.

export const TCP_HEADER_SIZE = 20;
export const TCP_SRC_OFFSET = 0;
export const TCP_DST_OFFSET = 2;
export const TCP_SEQ_OFFSET = 4;
export const TCP_ACK_OFFSET = 8;
/** Data offset:4 (32-bit words) reserved:3 flags:9 as one 16-bit word. */
export const TCP_CTL_OFFSET = 12;
export const TCP_WINDOW_OFFSET = 14;
export const TCP_CHECKSUM_OFFSET = 16;
export const TCP_URGENT_OFFSET = 18;

/** Flag bits in the low 12 bits of the control word; tcp_flags matches these. */
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
export const TCP_NS = 0x100;
export const TCP_FLAGS_MASK = 0x0fff;

export const TCPOPT_EOL = 0;
export const TCPOPT_NOP = 1;
export const TCPOPT_MSS = 2;
export const TCPOPT_WSCALE = 3;
export const TCPOPT_SACK_PERMITTED = 4;
export const TCPOPT_TIMESTAMP = 8;

export const UDP_HEADER_SIZE = 8;
export const UDP_SRC_OFFSET = 0;
export const UDP_DST_OFFSET = 2;
export const UDP_LENGTH_OFFSET = 4;
export const UDP_CHECKSUM_OFFSET = 6;

/** Source port, destination port, verification tag, CRC32c (little-endian on the wire). */
export const SCTP_HEADER_SIZE = 12;
export const SCTP_SRC_OFFSET = 0;
export const SCTP_DST_OFFSET = 2;
export const SCTP_VTAG_OFFSET = 4;
export const SCTP_CHECKSUM_OFFSET = 8;
/** Chunk: type, flags, length (including this 4-byte header, excluding padding). */
export const SCTP_CHUNK_HEADER_SIZE = 4;
export const SCTP_CHUNK_DATA = 0;
export const SCTP_CHUNK_INIT = 1;
export const SCTP_CHUNK_INIT_ACK = 2;
export const SCTP_CHUNK_SACK = 3;
export const SCTP_CHUNK_HEARTBEAT = 4;
export const SCTP_CHUNK_ABORT = 6;
export const SCTP_CHUNK_SHUTDOWN = 7;
