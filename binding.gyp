{
  "variables": {
    # 1: build for runtimes that refuse external ArrayBuffers (node-gyp rebuild --no_external_buffers=1)
    "no_external_buffers%": 0
  },
  "targets": [
    {
      "target_name": "pktkit",
      "sources": [
        "native/addon.cc",
        "native/capture.cc",
        "native/pcap_dump.cc",
        "native/engine/afpacket_source.cc",
        "native/engine/file_source.cc",
        "native/engine/packet_filter.cc",
        "native/engine/pcap_source.cc",
        "native/interfaces.cc",
        "native/errors.cc",
        "native/send.cc",
        "native/route.cc",
        "native/access_probe.cc",
        "native/file_reader.cc",
        "native/pcap_format.cc",
        "native/pcapng_format.cc",
        "native/dissect_js.cc",
        "native/export/exporter.cc",
        "native/export/flow_table.cc",
        "native/dissect/dissect.cc",
        "native/dissect/link.cc",
        "native/dissect/vlan.cc",
        "native/dissect/arp.cc",
        "native/dissect/ipv4.cc",
        "native/dissect/ipv6.cc",
        "native/dissect/icmp.cc",
        "native/dissect/icmpv6.cc",
        "native/dissect/tcp.cc",
        "native/dissect/udp.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node scripts/check-pcap-header.js)"
      ],
      "libraries": ["-lpcap", "-lpthread"],
      "conditions": [
        ["no_external_buffers==1", { "defines": ["NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"] }]
      ],
      # SWALLOW_UNTHROWABLE: a worker terminated while a call is inside the addon makes
      # its N-API calls fail; node-addon-api's error cannot then be thrown to JS, and
      # without this it throws again in C++, which aborts the whole process.
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["-std=c++17", "-O2", "-flto", "-fno-semantic-interposition", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "ldflags": ["-flto=auto"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_LDFLAGS": ["-lpcap"]
      }
    }
  ]
}
