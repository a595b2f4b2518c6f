#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/template_args.h"
#include "hclfmt/format.h"
#include "ui/diagnostics.h"
#include "util/files.h"

namespace kiln::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUsage =
    "Usage: kiln fmt [options] [TEMPLATE]\n\n"
    "  Rewrites HCL2 configuration files (.pkr.hcl) and variable files\n"
    "  (.pkrvars.hcl) to the canonical format, as `packer fmt` does. JSON\n"
    "  files are not modified. TEMPLATE is a file, a directory (\".\" for the\n"
    "  current one) or \"-\" for standard input.\n";

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size() - 1;
    lines.push_back(s.substr(start, nl - start + 1));
    start = nl + 1;
  }
  return lines;
}

// A unified diff (3 lines of context) of two small texts.
std::string UnifiedDiff(const std::string& name, const std::string& a, const std::string& b) {
  std::vector<std::string> x = SplitLines(a), y = SplitLines(b);
  std::size_t n = x.size(), m = y.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Op {
    char kind;  // ' ', '-', '+'
    std::size_t i, j;
  };
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] == y[j]) ops.push_back({' ', i++, j++});
    else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push_back({'-', i++, j});
    else ops.push_back({'+', i, j++});
  }
  std::string out = fmt::format("--- old/{}\n+++ new/{}\n", name, name);
  const std::size_t kContext = 3;
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    std::size_t start = k >= kContext ? k - kContext : 0;
    std::size_t end = k;
    // Extend while changes are within 2*context of each other.
    std::size_t last_change = k;
    for (std::size_t q = k; q < ops.size(); ++q) {
      if (ops[q].kind != ' ') last_change = q;
      else if (q - last_change > 2 * kContext) break;
    }
    end = std::min(ops.size(), last_change + kContext + 1);
    std::size_t old_start = ops[start].i, new_start = ops[start].j, old_len = 0, new_len = 0;
    std::string body;
    for (std::size_t q = start; q < end; ++q) {
      const Op& op = ops[q];
      const std::string& text = op.kind == '+' ? y[op.j] : x[op.i];
      if (op.kind != '+') ++old_len;
      if (op.kind != '-') ++new_len;
      body += op.kind + text;
      if (!text.ends_with('\n')) body += "\n\\ No newline at end of file\n";
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", old_len ? old_start + 1 : old_start, old_len,
                       new_len ? new_start + 1 : new_start, new_len);
    out += body;
    k = end;
  }
  return out;
}

bool IsFormattable(const fs::path& p) {
  std::string name = p.filename().string();
  return name.ends_with(".pkr.hcl") || name.ends_with(".pkrvars.hcl");
}

}  // namespace

int RunFmt(std::span<const std::string> args, const GlobalOptions& global) {
  bool check = false, diff = false, write = true, recursive = false;
  FlagSet flags("fmt");
  flags.Bool("check", &check, "Check if the input is formatted. Exit status is 0 if all input is properly formatted, 3 otherwise.");
  flags.Bool("diff", &diff, "Display diffs of formatting changes.");
  flags.Bool("write", &write, "Write the result to the source files (-write=false to not; always off with -check).");
  flags.Bool("recursive", &recursive, "Also process files in subdirectories.");
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(global.machine_readable);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() > 1) return UsageError(ui, MakeError("fmt expects at most one TEMPLATE argument"), kUsage, flags);
  std::string target = rest->empty() ? "." : rest->front();
  if (check) write = false;

  ui::SourceCache sources;
  ui::MaskFn mask = [&ui](std::string_view text) { return ui.output().Mask(text); };

  if (target == "-") {
    std::stringstream in;
    in << std::cin.rdbuf();
    Result<std::string> formatted = hclfmt::Format(in.str(), "<stdin>");
    if (!formatted) {
      ui.output().Err(ui::RenderDiagnostics({formatted.error()}, sources, mask));
      return 1;
    }
    if (check) return *formatted == in.str() ? 0 : 3;
    if (diff) ui.output().Out(UnifiedDiff("<stdin>", in.str(), *formatted));
    else ui.output().Out(*formatted);
    return 0;
  }

  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(target, ec)) {
    auto add = [&](const fs::directory_entry& e) {
      if (e.is_regular_file() && IsFormattable(e.path())) files.push_back(e.path().string());
    };
    if (recursive)
      for (const auto& e : fs::recursive_directory_iterator(target, ec)) add(e);
    else
      for (const auto& e : fs::directory_iterator(target, ec)) add(e);
    std::sort(files.begin(), files.end());
  } else if (fs::exists(target, ec)) {
    files.push_back(target);
  } else {
    ui.output().Err(fmt::format("Error: {}: no such file or directory\n", target));
    return 1;
  }

  bool unformatted = false, failed = false;
  for (const std::string& path : files) {
    Result<std::string> text = ReadFile(path);
    if (!text) {
      ui.output().Err(fmt::format("Error: {}\n", text.error().Message()));
      failed = true;
      continue;
    }
    Result<std::string> formatted = hclfmt::Format(*text, path);
    if (!formatted) {
      ui.output().Err(ui::RenderDiagnostics({formatted.error()}, sources, mask));
      failed = true;
      continue;
    }
    if (*formatted == *text) continue;
    unformatted = true;
    std::string shown = fs::path(path).lexically_normal().string();
    ui.output().Out(shown + "\n");
    if (diff) ui.output().Out(UnifiedDiff(shown, *text, *formatted));
    if (write) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      if (!out.write(formatted->data(), static_cast<std::streamsize>(formatted->size())) || !out.flush()) {
        ui.output().Err(fmt::format("Error: cannot write {}\n", path));
        failed = true;
      }
    }
  }
  if (failed) return 1;
  if (check && unformatted) return 3;
  return 0;
}

}  // namespace kiln::cli
