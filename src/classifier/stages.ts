// The lookup stages of the classifier: which stage (metadata, L2, L3, L4)
// each word of the flow key belongs to. A subtable hashes a packet stage by
// stage and gives up at the first stage no rule of it agrees with, so a
// miss there un-wildcards only the fields of the stages it hashed. The split
// follows Open vSwitch's flow segments: conntrack addresses count as L3 and
// conntrack ports and TCP flags as L4, as they do there.

import * as L from '../flow/layout.js';

export const STAGE_METADATA = 0;
export const STAGE_L2 = 1;
export const STAGE_L3 = 2;
export const STAGE_L4 = 3;
export const STAGE_COUNT = 4;

function buildStages(): Uint8Array {
  const stages = new Uint8Array(L.KEY_WORDS); // metadata unless listed below
  const set = (first: number, count: number, stage: number): void => {
    for (let w = first; w < first + count; w++) stages[w] = stage;
  };
  set(L.PACKET_FIRST, L.PACKET_END - L.PACKET_FIRST, STAGE_L3);
  set(L.DL_DST_HI, L.NW_SRC - L.DL_DST_HI, STAGE_L2);
  set(L.CT_NW_SRC, 2, STAGE_L3);
  set(L.CT_IPV6_SRC, 8, STAGE_L3);
  set(L.CT_TP_SRC, 2, STAGE_L4);
  set(L.TCP_FLAGS, 1, STAGE_L4);
  set(L.TP_SRC, 2, STAGE_L4);
  set(L.IGMP_GROUP_IP4, 1, STAGE_L4);
  return stages;
}

/** Stage of each key word. */
export const STAGE_OF_WORD: Uint8Array = buildStages();
