# node-gyp build of the same addons as CMakeLists.txt (`npx node-gyp rebuild` or `npm run build:gyp`
# -> build/Release/l2l_linalg.node, l2l_mpi.node, l2l_python.node, l2l_relax.node, l2l_snn.node, l2l_tvb.node and
# l2l_arbor.node; l2l_python needs Debian's python3-dev; l2l_tvb is CPU-only here (the CUDA kernel is CMake's) and
# generates its models with tools/tvb-codegen.ts, which needs the devDependency tsx; l2l_arbor is built without
# Arbor here (it says so; CMake builds it with Arbor where it finds the package)).
# cmake-js is the primary build; this one exists for environments that only have node-gyp (prebuild tooling, npm install hooks) and as a cross-check of the flags.
{
  "targets": [
    {
      "target_name": "l2l_linalg",
      "sources": [
        "native/linalg/addon.cc",
        "native/linalg/kernels.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O3", "-fno-trapping-math", "-ffp-contract=off", "-Wno-psabi", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"]
    },
    {
      "target_name": "l2l_mpi",
      "sources": [
        "native/mpi/addon.cc",
        "native/mpi/byte_view.cc",
        "native/mpi/communicator.cc",
        "native/mpi/environment.cc",
        "native/mpi/error_reporter.cc",
        "native/mpi/receive_queue.cc",
        "native/mpi/request.cc",
        "native/mpi/send_queue.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "OMPI_SKIP_MPICXX=1",
        "MPICH_SKIP_MPICXX=1"
      ],
      "cflags": ["-O2", "-Wall", "-Wextra", "<!@(mpicc --showme:compile)"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["<!@(mpicc --showme:link)"]
    },
    {
      "target_name": "l2l_python",
      "sources": [
        "native/python/addon.cc",
        "native/python/interpreter.cc",
        "native/python/python_failure.cc",
        "native/python/value.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "L2L_PYTHON_EXECUTABLE=\"/usr/bin/python3\""],
      "cflags": ["-O2", "-Wall", "-Wextra", "<!@(/usr/bin/python3-config --includes)"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["<!@(/usr/bin/python3-config --ldflags --embed)", "-lpthread"]
    },
    {
      "target_name": "l2l_relax",
      "sources": [
        "native/relax/addon.cc",
        "native/relax/relax_call.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "l2l_snn",
      "sources": [
        "native/snn/addon.cc",
        "native/snn/loop.cc",
        "native/snn/network.cc",
        "native/snn/network_spec.cc",
        "native/snn/propagators.cc",
        "native/snn/run_call.cc",
        "native/snn/simulation.cc",
        "native/snn/stepper.cc",
        "native/snn/update_kernels.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O3", "-fno-trapping-math", "-ffp-contract=off", "-Wno-psabi", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "l2l_ants",
      "sources": [
        "native/ants/addon.cc",
        "native/ants/colonies.cc",
        "native/ants/colony.cc",
        "native/ants/netlogo_brain.cc",
        "native/ants/run_call.cc",
        "native/ants/run_options.cc",
        "native/ants/simulation.cc",
        "native/ants/snn_brain.cc",
        "native/ants/world.cc",
        "native/snn/network_spec.cc",
        "native/snn/propagators.cc",
        "native/snn/stepper.cc",
        "native/snn/update_kernels.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O3", "-fno-trapping-math", "-ffp-contract=off", "-Wno-psabi", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "l2l_tvb",
      "actions": [
        {
          "action_name": "tvb_models",
          "inputs": ["<!@(ls -1 native/tvb/models/*.yaml)", "tools/tvb-codegen.ts", "src/optimizees/tvb/model-file.ts", "src/optimizees/tvb/expression.ts"],
          "outputs": ["<(SHARED_INTERMEDIATE_DIR)/tvb/tvb_models.h"],
          "action": ["node", "--import", "tsx", "tools/tvb-codegen.ts", "native/tvb/models", "<(SHARED_INTERMEDIATE_DIR)/tvb/tvb_models.h"],
          "message": "Generating the TVB models from native/tvb/models"
        }
      ],
      "sources": [
        "native/tvb/addon.cc",
        "native/tvb/simulation.cc",
        "native/tvb/fc.cc",
        "native/tvb/tvb_call.cc",
        "native/tvb/cuda_absent.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native", "<(SHARED_INTERMEDIATE_DIR)/tvb"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O3", "-ffp-contract=off", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "l2l_arbor",
      "sources": [
        "native/arbor/addon.cc",
        "native/arbor/arbor_absent.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"]
    }
  ]
}
