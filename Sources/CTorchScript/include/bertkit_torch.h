// BertKit's C interface to libtorch's TorchScript runtime (torch::jit), exported by the plug-in libBertKitTorch.so.
// BertTorchScript loads the plug-in at run time and resolves these symbols by name (TorchPlugin.swift mirrors their
// types); the implementation (bertkit_torch.cpp) is real only with the TorchScript trait, stubs otherwise.
// Every function that can fail returns NULL or a non-zero status and sets *error to a message the caller frees with
// bk_torch_free. No C++ exception crosses this boundary.
#ifndef BERTKIT_TORCH_H
#define BERTKIT_TORCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A loaded TorchScript module.
typedef struct bk_torch_module bk_torch_module;

/// 1 when this library was built against libtorch.
int bk_torch_available(void);

/// The libtorch version this library was built against (TORCH_VERSION), e.g. "1.13.1".
const char *bk_torch_version(void);

/// 1 when libtorch sees a CUDA device.
int bk_torch_cuda_available(void);

/// Sets libtorch's intra-op and inter-op thread counts (0 leaves one unchanged). The inter-op count can only be set
/// once per process, before any inter-op work; a later different value is an error.
int bk_torch_set_threads(int intra, int inter, char **error);

/// Loads `path` (torch.jit.save output) onto `device` (-1: CPU, n: CUDA device n), in eval mode. With `freeze`,
/// tries torch::jit::freeze and optimize_for_inference; *frozen says whether that worked (a module that does not allow
/// it runs unfrozen).
bk_torch_module *bk_torch_load(const char *path, int device, int freeze, int *frozen, char **error);

void bk_torch_release(bk_torch_module *module);

/// The names of forward's arguments after self, comma-separated (e.g. "input_ids,attention_mask"); free with
/// bk_torch_free.
char *bk_torch_input_names(bk_torch_module *module, char **error);

/// Runs forward under inference mode on [batch, sequence] inputs (`values[i]` for argument i, int64 data, passed to
/// the module as int64, or as int32 when `int32_inputs`). The first tensor of the output (a tensor, the first of a
/// tuple or list, or the "logits" / "last_hidden_state" entry of a dict) is converted to contiguous float32 on the
/// CPU and returned in *out (free with bk_torch_free), its dimensions in out_shape (up to 4) and *out_rank.
int bk_torch_forward(bk_torch_module *module, const int64_t *const *values, int count, int64_t batch, int64_t sequence,
                     int int32_inputs, float **out, int64_t *out_shape, int *out_rank, char **error);

void bk_torch_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
