-- Drives `styx lsp` from Neovim's own LSP client, headless, for tests/lsp/test_neovim.py.
--
-- Run as `nvim --headless -u NONE -i NONE -n -c "luafile driver.lua"` with
-- STYX_NVIM_PLAN naming a JSON plan: {cmd, root, file, out, steps}. Each step
-- is done through the editor's client (requests, vim.lsp.buf.code_action with
-- vim.ui.select answered by title, vim.lsp.util.apply_workspace_edit and
-- apply_text_edits, the editor's formatting command) and its outcome is added
-- to a JSON list written to `out`. Any failure is written there as {error=...}
-- and Neovim exits non-zero, so pytest shows why.
--
-- Written for Neovim 0.7 (Debian 12's package) and later: vim.lsp.start where
-- it exists (0.8+), else vim.lsp.start_client and buf_attach_client; either
-- formatting command.

local plan_file = os.getenv("STYX_NVIM_PLAN")
local plan = vim.fn.json_decode(table.concat(vim.fn.readfile(plan_file), "\n"))
local results = {}
local published = {}
local TIMEOUT = 20000

local function finish(code)
  vim.fn.writefile({ vim.fn.json_encode(results) }, plan.out)
  vim.cmd((code == 0) and "qall!" or "cquit! " .. code)
end

local function fail(message)
  table.insert(results, { error = message })
  finish(3)
  error(message)
end

local handlers = {
  ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
    published[result.uri] = { version = result.version, diagnostics = result.diagnostics }
    return vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, config)
  end,
}

vim.cmd("edit " .. vim.fn.fnameescape(plan.file))
local bufnr = vim.api.nvim_get_current_buf()
vim.bo[bufnr].expandtab = true
vim.bo[bufnr].shiftwidth = 4
vim.bo[bufnr].tabstop = 4
local config = {
  name = "styx",
  cmd = plan.cmd,
  root_dir = plan.root,
  handlers = handlers,
  flags = { debounce_text_changes = 0 },
}
local client_id
if vim.lsp.start then
  -- Neovim 0.8 and later: start (or reuse) the client and attach this buffer.
  client_id = vim.lsp.start(config, { bufnr = bufnr })
else
  client_id = vim.lsp.start_client(config)
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
end
if not client_id then
  fail("the client did not start")
end
local uri = vim.uri_from_bufnr(bufnr)

local function client()
  return vim.lsp.get_client_by_id(client_id)
end

local function text()
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n") .. "\n"
end

-- The diagnostics of the buffer's current version.
local function settle()
  local ok = vim.wait(TIMEOUT, function()
    local last = published[uri]
    return last ~= nil and last.version == vim.lsp.util.buf_versions[bufnr]
  end, 10)
  if not ok then
    fail("no diagnostics for version " .. tostring(vim.lsp.util.buf_versions[bufnr]))
  end
  return published[uri].diagnostics
end

local function at(step)
  vim.api.nvim_win_set_cursor(0, { step.line + 1, step.character })
end

local function request(method, params)
  local response, err = client().request_sync(method, params, TIMEOUT, bufnr)
  if response == nil then
    fail(method .. ": " .. tostring(err))
  end
  if response.err then
    fail(method .. ": " .. vim.inspect(response.err))
  end
  return response.result
end

local function whole_range()
  local count = vim.api.nvim_buf_line_count(bufnr)
  return { start = { line = 0, character = 0 }, ["end"] = { line = count, character = 0 } }
end

-- Pick a code action through the editor's own menu: vim.ui.select is
-- answered with the first item whose title starts with `wanted`.
local function code_action(step)
  at(step)
  local version = vim.lsp.util.buf_versions[bufnr]
  local offered = nil
  local original = vim.ui.select
  vim.ui.select = function(items, _, on_choice)
    offered = {}
    local chosen = nil
    for index, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, {
        title = action.title,
        kind = action.kind,
        isPreferred = action.isPreferred == true,
      })
      if chosen == nil and step.title ~= nil and action.title:sub(1, #step.title) == step.title then
        chosen = index
      end
    end
    if chosen ~= nil then
      on_choice(items[chosen], chosen)
    else
      on_choice(nil, nil)
    end
  end
  vim.lsp.buf.code_action()
  local ok = vim.wait(TIMEOUT, function()
    return offered ~= nil
  end, 10)
  vim.ui.select = original
  if not ok then
    -- No menu at all: Neovim says "No code actions available" instead.
    offered = {}
  end
  if step.title ~= nil then
    vim.wait(TIMEOUT, function()
      return vim.lsp.util.buf_versions[bufnr] ~= version
    end, 10)
  end
  local diagnostics = settle()
  return { offered = offered, text = text(), diagnostics = diagnostics }
end

local function format()
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ async = false, timeout_ms = TIMEOUT })
  else
    vim.lsp.buf.formatting_sync(nil, TIMEOUT)
  end
  return { text = text(), diagnostics = settle() }
end

-- Type a line break at the cursor, as insert mode would, then ask for the
-- on-type formatting of "\n" and apply its edits.
local function newline(step)
  vim.api.nvim_buf_set_text(bufnr, step.line, step.character, step.line, step.character, { "", "" })
  settle()
  local params = {
    textDocument = { uri = uri },
    position = { line = step.line + 1, character = 0 },
    ch = "\n",
    options = { tabSize = 4, insertSpaces = true },
  }
  local edits = request("textDocument/onTypeFormatting", params)
  if edits ~= nil and edits ~= vim.NIL then
    vim.lsp.util.apply_text_edits(edits, bufnr, client().offset_encoding)
  end
  return { edits = edits, text = text(), diagnostics = settle() }
end

local steps = {
  diagnostics = function()
    return { diagnostics = settle() }
  end,
  hover = function(step)
    at(step)
    return { result = request("textDocument/hover", vim.lsp.util.make_position_params()) }
  end,
  -- As insert mode asks, where the cursor may be past the last character
  -- (normal mode would clamp it onto that character).
  completion = function(step)
    local params = {
      textDocument = { uri = uri },
      position = { line = step.line, character = step.character },
    }
    return { result = request("textDocument/completion", params) }
  end,
  definition = function(step)
    at(step)
    return { result = request("textDocument/definition", vim.lsp.util.make_position_params()) }
  end,
  references = function(step)
    at(step)
    local params = vim.lsp.util.make_position_params()
    params.context = { includeDeclaration = true }
    return { result = request("textDocument/references", params) }
  end,
  inlay_hints = function()
    local params = { textDocument = { uri = uri }, range = whole_range() }
    return { result = request("textDocument/inlayHint", params) }
  end,
  links = function()
    return { result = request("textDocument/documentLink", { textDocument = { uri = uri } }) }
  end,
  code_action = code_action,
  format = format,
  newline = newline,
  set_text = function(step)
    local lines = vim.split(step.text, "\n", { plain = true })
    if lines[#lines] == "" then
      table.remove(lines)
    end
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
    return { diagnostics = settle() }
  end,
}

for _, step in ipairs(plan.steps) do
  local run = steps[step.op]
  if run == nil then
    fail("unknown step " .. tostring(step.op))
  end
  local started = vim.loop.hrtime()
  local ok, outcome = pcall(run, step)
  if not ok then
    fail(step.op .. ": " .. tostring(outcome))
  end
  outcome.op = step.op
  outcome.ms = math.floor((vim.loop.hrtime() - started) / 1e6)
  table.insert(results, outcome)
end

client().stop()
finish(0)
