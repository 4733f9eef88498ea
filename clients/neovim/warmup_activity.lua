-- Tells the Warmup server what a Neovim window does beyond editing, as `warmup/activity` (kinds only, never names):
-- focus gained and lost (terminals report focus to Neovim; in tmux, `set -g focus-events on`), buffer switches,
-- and reading (cursor moves and scrolling, at most one of each per 5 s). The VS Code extension sends the same kinds.
-- Use: dofile('/path/to/warmup_activity.lua').setup() in init.lua. Works on Neovim 0.7 and later.
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
end

return M
