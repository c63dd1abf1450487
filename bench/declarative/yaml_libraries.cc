// Which YAML library reads a 100k-entity declarative file fastest (BENCHMARKS.md). Each reads
// the whole text into its own representation: libyaml's event stream (what kongdb builds its
// tree from), libfyaml's document tree, yaml-cpp's node tree. Best of 3 runs each.
//
//   g++ -O2 -std=c++20 bench/declarative/yaml_libraries.cc -o /tmp/yaml_libraries \
//       $(pkg-config --cflags --libs yaml-0.1 libfyaml yaml-cpp)
//   /tmp/yaml_libraries /tmp/kong-100k.yml
#include <libfyaml.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace {

double best_of_3(const std::function<size_t()>& run, size_t& out) {
  double best = 1e9;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    out = run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

size_t libyaml_events(const std::string& text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  size_t events = 0;
  yaml_event_t e;
  for (;;) {
    if (!yaml_parser_parse(&parser, &e)) break;
    const bool end = e.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&e);
    ++events;
    if (end) break;
  }
  yaml_parser_delete(&parser);
  return events;
}

size_t libfyaml_tree(const std::string& text) {
  fy_document* doc = fy_document_build_from_string(nullptr, text.data(), text.size());
  const size_t ok = doc != nullptr;
  fy_document_destroy(doc);
  return ok;
}

size_t yaml_cpp_tree(const std::string& text) { return YAML::Load(text).size(); }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 1;
  std::ifstream in(argv[1]);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  size_t n = 0;
  std::printf("libyaml 0.2.5 (events): %.3f s\n", best_of_3([&] { return libyaml_events(text); }, n));
  std::printf("libfyaml 0.7.12 (document): %.3f s\n", best_of_3([&] { return libfyaml_tree(text); }, n));
  std::printf("yaml-cpp 0.7.0 (YAML::Load): %.3f s\n", best_of_3([&] { return yaml_cpp_tree(text); }, n));
  return 0;
}
