// Builds the precompiled header the services share (see src/store/CMakeLists.txt).
