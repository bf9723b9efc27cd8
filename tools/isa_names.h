// The instruction sets' names as BertKit's Swift side spells them (KernelISA), for the C benchmark tools.
#ifndef BERTKIT_TOOLS_ISA_NAMES_H
#define BERTKIT_TOOLS_ISA_NAMES_H
#include "bertkernels.h"

static inline const char *isa_name(bk_isa isa) {
    static const char *const names[BK_ISA_COUNT] = {"portable", "avx2", "avx512", "neon", "avx512_vnni", "avx512_bf16", "avx_vnni"};
    return (unsigned)isa < BK_ISA_COUNT ? names[isa] : "unknown";
}
#endif
