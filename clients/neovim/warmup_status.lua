-- Shows what the Warmup server keeps warm, in Neovim: a short line for the statusline from the last
-- `warmup/statusChanged` ("Warmup: 1 warm, 1 loading"), and `:WarmupStatus`, which asks the server and lists each
-- model with its state, probability and memory, and why when it is held elsewhere, failed, unloaded, or only as last
-- seen (its model server not answering). The VS Code extension's status bar and tooltip say the same. Use, in init.lua:
--   dofile('/path/to/warmup_status.lua').setup()
--   vim.o.statusline = '%f %= %{v:lua.WarmupStatusline()}'
-- Call setup() before the server starts. Works on Neovim 0.7 and later.
local M = {}

local last -- the last status the server sent or answered

local HELD_BY = { anotherServer = ' (held by another editor\'s server)', otherProgram = ' (loaded by another program)' }

local function text(v) -- JSON null arrives as vim.NIL
  return type(v) == 'string' and v or nil
end

--- The status line: what is warm, loading and predicted; 'Warmup: starting' before the server has said.
function M.line()
  if not last then
    return 'Warmup: starting'
  end
  local warm, loading, predicted = 0, 0, 0
  for _, m in ipairs(last.models or {}) do
    if m.state == 'warm' or m.state == 'ready' then
      warm = warm + 1
    elseif m.state == 'loading' then
      loading = loading + 1
    elseif type(m.probability) == 'number' and m.probability >= 0.5 then
      predicted = predicted + 1
    end
  end
  local parts = { warm .. ' warm' }
  if loading > 0 then table.insert(parts, loading .. ' loading') end
  if predicted > 0 then table.insert(parts, predicted .. ' predicted') end
  return 'Warmup: ' .. table.concat(parts, ', ') .. (last.state == 'paused' and ' (paused)' or '')
end

--- One line per catalogue model, as the VS Code tooltip has them, then what holds warming back, if anything.
function M.lines()
  local out = {}
  for _, m in ipairs(last and last.models or {}) do
    local l = m.id .. ': ' .. m.state
    if type(m.probability) == 'number' then l = l .. string.format(', p=%.2f', m.probability) end
    if type(m.memoryMb) == 'number' then l = l .. ', ' .. m.memoryMb .. ' MB' end
    l = l .. (HELD_BY[text(m.heldBy) or ''] or '')
    if m.state == 'failed' and text(m.error) then l = l .. ' — ' .. m.error end
    if text(m.retryAt) then
      l = l .. (m.state == 'failed' and ' (next try ' or ' (not warmed before ') .. m.retryAt .. ')'
    end
    if m.state == 'unloaded' and not text(m.retryAt) and text(m.unloadReason) then
      l = l .. ' (unloaded: ' .. m.unloadReason .. ')'
    end
    if text(m.unconfirmedSince) then
      l = l .. ' (as last seen: its model server has not answered since ' .. m.unconfirmedSince .. ')'
    end
    table.insert(out, l)
  end
  for _, h in ipairs(last and type(last.heldBack) == 'table' and last.heldBack or {}) do
    if text(h) then table.insert(out, 'Held back: ' .. h) end -- what the machine holds warming back with
  end
  return out
end

local function warmup_client()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients -- get_clients from 0.10 on
  for _, c in pairs(get()) do
    if c.name == 'warmup' then return c end
  end
end

function M.setup()
  local previous = vim.lsp.handlers['warmup/statusChanged']
  vim.lsp.handlers['warmup/statusChanged'] = function(err, params, ctx, config)
    if not err and params then
      last = params
      vim.schedule(function() vim.cmd('redrawstatus') end) -- safe whatever the loop calls it from
    end
    if previous then return previous(err, params, ctx, config) end
  end
  _G.WarmupStatusline = M.line
  vim.api.nvim_create_user_command('WarmupStatus', function()
    local c = warmup_client()
    if not c then
      print('Warmup: the server is not running')
      return
    end
    local r
    if vim.fn.has('nvim-0.11') == 1 then
      r = c:request_sync('warmup/status', vim.NIL, 5000, 0) -- a method from 0.11 on
    else
      r = c.request_sync('warmup/status', vim.NIL, 5000, 0)
    end
    if not r or r.err then
      print('Warmup: no status: ' .. vim.inspect(r and r.err))
      return
    end
    last = r.result
    print(table.concat(vim.list_extend({ M.line() }, M.lines()), '\n'))
  end, {})
end

return M
