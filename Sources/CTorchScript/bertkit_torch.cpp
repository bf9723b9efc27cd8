// libtorch behind BertKit's C interface (include/bertkit_torch.h), built as the plug-in libBertKitTorch.so. Without the
// TorchScript trait (BERTKIT_WITH_LIBTORCH) or libtorch's headers this file compiles to stubs that say so.
#include "bertkit_torch.h"

#include <cstdlib>
#include <cstring>
#include <string>

static char *copy_string(const std::string &text) {
    char *out = static_cast<char *>(std::malloc(text.size() + 1));
    if (out) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

static void set_error(char **error, const std::string &message) {
    if (error) *error = copy_string(message);
}

extern "C" void bk_torch_free(void *pointer) { std::free(pointer); }

#if defined(BERTKIT_WITH_LIBTORCH) && __has_include(<torch/script.h>)

#include <ATen/Parallel.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/script.h>

struct bk_torch_module {
    torch::jit::Module module;
    c10::Device device;
};

extern "C" int bk_torch_available(void) { return 1; }

extern "C" const char *bk_torch_version(void) {
#ifdef TORCH_VERSION
    return TORCH_VERSION;
#else
    return "unknown";
#endif
}

extern "C" int bk_torch_cuda_available(void) { return at::hasCUDA() ? 1 : 0; }

extern "C" int bk_torch_set_threads(int intra, int inter, char **error) {
    try {
        if (intra > 0) at::set_num_threads(intra);
        if (inter > 0 && at::get_num_interop_threads() != inter) at::set_num_interop_threads(inter);
        return 0;
    } catch (const std::exception &e) {
        set_error(error, e.what());
        return 1;
    }
}

extern "C" bk_torch_module *bk_torch_load(const char *path, int device, int freeze, int *frozen, char **error) {
    try {
        c10::Device target = device < 0 ? c10::Device(c10::kCPU) : c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device));
        auto module = torch::jit::load(path, target);
        module.eval();
        if (frozen) *frozen = 0;
        if (freeze) {
            try {
                auto frozenModule = torch::jit::freeze(module);
                module = torch::jit::optimize_for_inference(frozenModule);
                if (frozen) *frozen = 1;
            } catch (const std::exception &) {
                // Modules with attributes freeze cannot fold (or mutation) run as they are.
            }
        }
        return new bk_torch_module{module, target};
    } catch (const std::exception &e) {
        set_error(error, e.what());
        return nullptr;
    }
}

extern "C" void bk_torch_release(bk_torch_module *module) { delete module; }

extern "C" char *bk_torch_input_names(bk_torch_module *module, char **error) {
    try {
        const auto &arguments = module->module.get_method("forward").function().getSchema().arguments();
        std::string names;
        for (size_t i = 1; i < arguments.size(); i++) {
            if (i > 1) names += ",";
            names += arguments[i].name();
        }
        return copy_string(names);
    } catch (const std::exception &e) {
        set_error(error, e.what());
        return nullptr;
    }
}

static bool first_tensor(const c10::IValue &value, at::Tensor &tensor) {
    if (value.isTensor()) {
        tensor = value.toTensor();
        return true;
    }
    if (value.isTuple()) {
        for (const auto &element : value.toTupleRef().elements()) if (first_tensor(element, tensor)) return true;
        return false;
    }
    if (value.isList()) {
        for (const auto &element : value.toListRef()) if (first_tensor(element, tensor)) return true;
        return false;
    }
    if (value.isGenericDict()) {
        auto dict = value.toGenericDict();
        for (const char *key : {"logits", "last_hidden_state"}) {
            auto found = dict.find(c10::IValue(std::string(key)));
            if (found != dict.end() && found->value().isTensor()) {
                tensor = found->value().toTensor();
                return true;
            }
        }
        for (const auto &entry : dict) if (first_tensor(entry.value(), tensor)) return true;
    }
    return false;
}

extern "C" int bk_torch_forward(bk_torch_module *module, const int64_t *const *values, int count, int64_t batch,
                                int64_t sequence, int int32_inputs, float **out, int64_t *out_shape, int *out_rank,
                                char **error) {
    try {
        c10::InferenceMode guard;
        std::vector<c10::IValue> inputs;
        inputs.reserve(count);
        for (int i = 0; i < count; i++) {
            auto tensor = torch::from_blob(const_cast<int64_t *>(values[i]), {batch, sequence}, torch::kInt64);
            tensor = int32_inputs ? tensor.to(torch::kInt32) : tensor.clone();
            inputs.emplace_back(tensor.to(module->device));
        }
        at::Tensor result;
        if (!first_tensor(module->module.forward(inputs), result)) {
            set_error(error, "the module's output holds no tensor");
            return 1;
        }
        if (result.dim() > 4) {
            set_error(error, "the module's output has rank " + std::to_string(result.dim()) + "; BertKit reads up to 4");
            return 1;
        }
        result = result.to(c10::kCPU, torch::kFloat32).contiguous();
        *out_rank = static_cast<int>(result.dim());
        for (int64_t d = 0; d < result.dim(); d++) out_shape[d] = result.size(d);
        size_t bytes = static_cast<size_t>(result.numel()) * sizeof(float);
        *out = static_cast<float *>(std::malloc(bytes > 0 ? bytes : 1));
        if (!*out) {
            set_error(error, "out of memory");
            return 1;
        }
        std::memcpy(*out, result.data_ptr<float>(), bytes);
        return 0;
    } catch (const std::exception &e) {
        set_error(error, e.what());
        return 1;
    }
}

#else

static const char *missing = "this plug-in was built without libtorch: build with `swift build --traits TorchScript` where "
                             "libtorch is installed (Debian: apt install libtorch-dev; `make test` does both)";

extern "C" int bk_torch_available(void) { return 0; }
extern "C" const char *bk_torch_version(void) { return "none"; }
extern "C" int bk_torch_cuda_available(void) { return 0; }
extern "C" int bk_torch_set_threads(int, int, char **error) {
    set_error(error, missing);
    return 1;
}
extern "C" bk_torch_module *bk_torch_load(const char *, int, int, int *, char **error) {
    set_error(error, missing);
    return nullptr;
}
extern "C" void bk_torch_release(bk_torch_module *) {}
extern "C" char *bk_torch_input_names(bk_torch_module *, char **error) {
    set_error(error, missing);
    return nullptr;
}
extern "C" int bk_torch_forward(bk_torch_module *, const int64_t *const *, int, int64_t, int64_t, int, float **, int64_t *,
                                int *, char **error) {
    set_error(error, missing);
    return 1;
}

#endif
