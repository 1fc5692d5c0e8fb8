-- Opens a spec in Neovim with align's language server, waits for its diagnostics and writes
-- them to a file, one per line: `LINE:COL-ENDCOL TEXT CODE SEVERITY MESSAGE` (1-based line,
-- byte columns as Neovim holds them, TEXT the text under the diagnostic, MESSAGE its first
-- line). Run by tests/lsp.rs:
--   ALIGN_BIN=… ALIGN_ROOT=… ALIGN_SPEC=… ALIGN_OUT=… nvim --headless --clean -c "luafile diagnostics.lua"
-- Written for Neovim 0.7 (Debian bookworm) and later: `vim.lsp.start_client` and
-- `buf_attach_client` exist in all of them.

local function run()
  local bin = assert(os.getenv("ALIGN_BIN"), "ALIGN_BIN")
  local root = assert(os.getenv("ALIGN_ROOT"), "ALIGN_ROOT")
  local spec = assert(os.getenv("ALIGN_SPEC"), "ALIGN_SPEC")
  local out = assert(os.getenv("ALIGN_OUT"), "ALIGN_OUT")

  vim.cmd("edit " .. vim.fn.fnameescape(spec))
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = "align",
    cmd = { bin, "lsp", "--lang", "en", "--today", "2026-11-24" },
    root_dir = root,
  })
  assert(client, "the language client did not start")
  vim.lsp.buf_attach_client(buf, client)

  local names = { "error", "warning", "info", "hint" }
  local arrived = vim.wait(60000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  local lines = {}
  if not arrived then
    table.insert(lines, "no diagnostics arrived")
  end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local text = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ""
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then
      code = d.user_data.lsp.code
    end
    table.insert(lines, string.format("%d:%d-%d %s %s %s %s", d.lnum + 1, d.col + 1, d.end_col + 1,
      string.sub(text, d.col + 1, d.end_col), tostring(code), names[d.severity] or "?",
      (d.message:gsub("\n.*", ""))))
  end
  vim.fn.writefile(lines, out)
  vim.lsp.stop_client(client)
end

local ok, err = pcall(run)
if not ok then
  io.stderr:write("diagnostics.lua: " .. tostring(err) .. "\n")
end
vim.cmd("qa!")
