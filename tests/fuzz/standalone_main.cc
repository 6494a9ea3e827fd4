// A driver for LLVMFuzzerTestOneInput without libFuzzer (gcc builds): runs every file of the
// folders or files given, then `--mutations=N` deterministic random mutations of them (byte
// flips, inserts, deletes, splices). Exits non-zero only if the target aborts.
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void Load(const std::string& path, std::vector<std::string>& inputs) {
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') Load(path + "/" + entry->d_name, inputs);
    }
    closedir(dir);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  inputs.push_back(content.str());
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mutations=", 12) == 0) {
      mutations = std::strtol(argv[i] + 12, nullptr, 10);
    } else {
      Load(argv[i], inputs);
    }
  }
  if (inputs.empty()) inputs.push_back("");
  for (const std::string& input : inputs) Run(input);
  std::mt19937 random(12345);
  const std::string alphabet = "paymentIdPAYMENTID=&%+-\n0123456789abcdefABCDEFxyz ";
  for (long n = 0; n < mutations; ++n) {
    std::string input = inputs[random() % inputs.size()];
    const int edits = 1 + random() % 4;
    for (int e = 0; e < edits; ++e) {
      const size_t at = input.empty() ? 0 : random() % (input.size() + 1);
      switch (random() % 4) {
        case 0:
          if (at < input.size()) input[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          input.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        case 2:
          if (at < input.size()) input.erase(at, 1 + random() % 8);
          break;
        default:
          input.insert(at, inputs[random() % inputs.size()]);
      }
    }
    Run(input);
  }
  std::printf("ran %zu inputs and %ld mutations\n", inputs.size(), mutations);
  return 0;
}
