#pragma once
// Private to core/net: curl_global_init exactly once per process.
namespace mps::net {
void ensure_curl_initialized();
}
