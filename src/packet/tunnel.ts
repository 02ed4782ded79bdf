// Tunnel header facts: VXLAN, Geneve and GRE as the tunnel vports, the builder
// and the decoder see them. The datapath's vports push and pop these headers
// inside the packet headroom (see packet.ts for how much there is).

/** IANA UDP destination ports. */
export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;

/** Flags (I bit 0x08 = VNI valid), 24 reserved bits, VNI:24, 8 reserved bits. */
export const VXLAN_HEADER_SIZE = 8;
export const VXLAN_FLAG_VNI = 0x08;

/** Version:2 option length:6 (4-byte units), O:1 C:1 reserved:6, protocol type:16, VNI:24, reserved:8. */
export const GENEVE_HEADER_SIZE = 8;
export const GENEVE_FLAG_OAM = 0x80;
export const GENEVE_FLAG_CRITICAL = 0x40;
/** Option: class:16, type:8 (high bit = critical), reserved:3 length:5 (4-byte units), data. */
export const GENEVE_OPTION_HEADER_SIZE = 4;
export const GENEVE_OPTION_CRITICAL = 0x80;
/** Options may take up to 63 4-byte words. */
export const GENEVE_MAX_OPTIONS_SIZE = 252;

/** GRE flags word: checksum present, key present, sequence present; version in the low 3 bits. */
export const GRE_HEADER_SIZE = 4;
export const GRE_FLAG_CHECKSUM = 0x8000;
export const GRE_FLAG_KEY = 0x2000;
export const GRE_FLAG_SEQUENCE = 0x1000;
export const GRE_VERSION_MASK = 0x0007;
