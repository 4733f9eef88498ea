-- Tells the Warmup server what a Neovim window does beyond editing, as `warmup/activity` (kinds only, never names):
-- focus gained and lost (terminals report focus to Neovim; in tmux, `set -g focus-events on`), buffer switches,
-- reading (cursor moves and scrolling, at most one of each per 5 s), builds started with `:make` or `:lmake`, and
-- debug sessions of nvim-dap when it is installed (load it before calling setup). The VS Code extension sends the
-- same kinds. Use: dofile('/path/to/warmup_activity.lua').setup() in init.lua. Works on Neovim 0.7 and later.
local M = {}

local READING_MS = 5000
local last = {}

local function clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients -- get_clients from 0.10 on
  return get()
end

local function report(kind, every_ms)
  local now = (vim.uv or vim.loop).now() -- vim.uv from 0.10 on
  if every_ms and last[kind] and now - last[kind] < every_ms then
    return
  end
  last[kind] = now
  for _, c in pairs(clients()) do
    if c.name == 'warmup' then
      if vim.fn.has('nvim-0.11') == 1 then
        c:notify('warmup/activity', { kind = kind }) -- a method from 0.11 on (c.notify is deprecated there)
      else
        c.notify('warmup/activity', { kind = kind })
      end
    end
  end
end

function M.setup()
  local group = vim.api.nvim_create_augroup('warmup_activity', { clear = true })
  local on = function(event, kind, every_ms)
    vim.api.nvim_create_autocmd(event, { group = group, callback = function() report(kind, every_ms) end })
  end
  on('FocusGained', 'windowFocused')
  on('FocusLost', 'windowBlurred')
  on('BufEnter', 'editorChanged')
  on('CursorMoved', 'caretMoved', READING_MS)
  on('WinScrolled', 'scrolled', READING_MS)
  vim.api.nvim_create_autocmd('QuickFixCmdPre', { group = group, pattern = { 'make', 'lmake' },
                                                  callback = function() report('buildStarted') end })
  local has_dap, dap = pcall(require, 'dap')
  if has_dap and type(dap) == 'table' and dap.listeners then
    local debugging = false
    dap.listeners.after.event_initialized['warmup'] = function()
      debugging = true
      report('debugStarted')
    end
    local stopped = function() -- adapters send terminated, exited or both: one report
      if debugging then
        debugging = false
        report('debugStopped')
      end
    end
    dap.listeners.before.event_terminated['warmup'] = stopped
    dap.listeners.before.event_exited['warmup'] = stopped
  end
end

return M
