// Builds the precompiled header the HTTP platform uses (see src/store/CMakeLists.txt).
