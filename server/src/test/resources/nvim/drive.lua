-- Drives warmup-server through Neovim's built-in LSP client (headless), then writes what it saw as JSON.
-- Environment: WARMUP_JAR, WARMUP_DATA_DIR, WARMUP_OUT, WARMUP_FILE, WARMUP_ACTIVITY, WARMUP_STATUS, WARMUP_BIG_FILE.
local jar = os.getenv('WARMUP_JAR')
local out = os.getenv('WARMUP_OUT')
local result = { steps = {} }

local function finish(ok, why)
  result.ok = ok
  result.why = why
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. os.getenv('WARMUP_FILE'))
  local buf = vim.api.nvim_get_current_buf()
  -- the status module the README points Neovim users to (clients/neovim/warmup_status.lua), set up before the server
  local status = dofile(os.getenv('WARMUP_STATUS'))
  status.setup()
  local client_id = vim.lsp.start_client({
    name = 'warmup',
    cmd = { 'java', '-Xmx256m', '-Xms32m', '-XX:-UsePerfData', '-XX:+DisplayVMOutputToStderr', '-Xlog:disable',
            '-Xlog:all=warning,cds*=off:stderr', '-jar', jar, '--data-dir', os.getenv('WARMUP_DATA_DIR'), '--log-level', 'warn' },
    root_dir = vim.fn.getcwd(),
    init_options = { settings = { warmup = { maxWarmModels = 4,
      models = { { id = 'coder', tasks = { 'completion' }, memoryMb = 1500, loadSeconds = 3 } } } } },
    flags = { debounce_text_changes = 0 },
  })
  if not client_id then error('start_client failed') end
  vim.lsp.buf_attach_client(buf, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  if not vim.wait(30000, function() return client.initialized end, 50) then error('not initialized') end
  table.insert(result.steps, 'initialized')

  -- type: three edits through the buffer API, as insert-mode typing would produce
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { 'def greet(name):' })
  vim.api.nvim_buf_set_lines(buf, 1, 1, false, { '    return "hi " + name' })
  vim.api.nvim_buf_set_text(buf, 1, 4, 1, 4, { 'x = 1; ' })
  table.insert(result.steps, 'typed')

  -- a file larger than the server's heap, its didOpen carrying the whole text, as Neovim sends any file it opens;
  -- loaded without being shown, before the activity module is set up (loading it enters it)
  local bigbuf = vim.fn.bufadd(os.getenv('WARMUP_BIG_FILE'))
  vim.fn.bufload(bigbuf)
  vim.lsp.buf_attach_client(bigbuf, client_id)
  local after = client.request_sync('warmup/status', vim.NIL, 60000, bigbuf)
  if not after or after.err then error('no status after the big file: ' .. vim.inspect(after and after.err)) end
  table.insert(result.steps, 'big file')

  -- saved (didSave: the server asks for saves, without their text) and the big file closed (didClose)
  vim.cmd('silent write')
  vim.cmd('bwipeout! ' .. bigbuf)
  table.insert(result.steps, 'saved and closed')

  -- the activity module the README points Neovim users to (clients/neovim/warmup_activity.lua), with nvim-dap's
  -- listener tables as nvim-dap has them (nvim-dap itself is not installed here)
  local dap = { listeners = { after = { event_initialized = {} }, before = { event_terminated = {}, event_exited = {} } } }
  package.loaded['dap'] = dap
  dofile(os.getenv('WARMUP_ACTIVITY')).setup()
  vim.cmd('doautocmd FocusLost')
  vim.cmd('doautocmd FocusGained')
  vim.cmd('doautocmd BufEnter')
  vim.cmd('doautocmd CursorMoved')
  vim.cmd('doautocmd CursorMoved') -- within 5 s of the first: not reported
  vim.cmd('doautocmd WinScrolled')
  vim.o.makeprg = 'true'
  vim.cmd('silent make!')
  local fire = function(listeners) for _, f in pairs(listeners) do f() end end
  fire(dap.listeners.after.event_initialized)
  fire(dap.listeners.before.event_terminated)
  fire(dap.listeners.before.event_exited) -- the same session's end again: not reported
  table.insert(result.steps, 'activity')

  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 1, character = 8 },
                   context = { triggerKind = 1 } }
  local completion = client.request_sync('textDocument/completion', params, 10000, buf)
  if not completion or completion.err then error('completion failed: ' .. vim.inspect(completion)) end
  result.completion = completion.result
  table.insert(result.steps, 'completion')

  local metrics = client.request_sync('workspace/executeCommand', { command = 'warmup.metrics', arguments = {} }, 10000, buf)
  if not metrics or metrics.err then error('metrics failed: ' .. vim.inspect(metrics)) end
  result.metrics = metrics.result
  table.insert(result.steps, 'metrics')

  -- the statusline item follows warmup/statusChanged, which the server sends once it has planned
  result.heardStatus = vim.wait(30000, function() return status.line() ~= 'Warmup: starting' end, 50)
  result.statusOutput = vim.api.nvim_exec('WarmupStatus', true) -- asks the server, as a user's :WarmupStatus does
  result.statusLine = status.line()
  table.insert(result.steps, 'status')

  local answer = client.request_sync('warmup/status', vim.NIL, 10000, buf)
  result.statusRequest = answer and answer.result
  client.stop()
  vim.wait(10000, function() return client.is_stopped() end, 50)
  table.insert(result.steps, 'stopped')
end)
finish(ok, ok and nil or tostring(err))
