'use strict'
// aedes MQTT broker for mqtk's integration tests: MQTT over TCP on --port and MQTT over WebSocket
// on --ws-port (paths "/" and "/mqtt"), bound to --host (127.0.0.1). Port 0 picks a free port.
// Prints one line "ready port=P ws_port=W" on stdout when both listen; exits 0 on SIGTERM/SIGINT.
// --auth user:pass makes the broker refuse every other username/password (CONNACK 4 in 3.1.1).
// Logs one line per client event (connect, subscribe, disconnect) on stdout for the test fixture.

const net = require('net')
const http = require('http')
const { WebSocketServer, createWebSocketStream } = require('ws')
const aedesFactory = require('aedes')

function parseArgs (argv) {
  const opts = { host: '127.0.0.1', port: 1883, wsPort: 0, auth: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`)
      return argv[++i]
    }
    if (arg === '--port') opts.port = Number(value())
    else if (arg === '--ws-port') opts.wsPort = Number(value())
    else if (arg === '--host') opts.host = value()
    else if (arg === '--no-ws') opts.wsPort = -1
    else if (arg === '--auth') opts.auth = value()
    else if (arg === '--help') usage(null)
    else usage(`unknown argument ${arg}`)
  }
  for (const port of [opts.port, opts.wsPort]) {
    if (!Number.isInteger(port) || port < -1 || port > 65535) usage('bad port')
  }
  return opts
}

function usage (error) {
  const text = 'usage: node broker.js [--host H] [--port P] [--ws-port W | --no-ws] [--auth user:pass]'
  if (error) {
    console.error(`broker.js: ${error}\n${text}`)
    process.exit(2)
  }
  console.log(text)
  process.exit(0)
}

const opts = parseArgs(process.argv.slice(2))
const aedes = aedesFactory()

if (opts.auth !== null) {
  const colon = opts.auth.indexOf(':')
  const user = colon < 0 ? opts.auth : opts.auth.slice(0, colon)
  const pass = colon < 0 ? '' : opts.auth.slice(colon + 1)
  aedes.authenticate = (client, username, password, done) => {
    const ok = username === user && password !== undefined && password !== null &&
      password.toString() === pass
    if (ok) return done(null, true)
    const error = new Error('bad user name or password')
    error.returnCode = 4
    done(error, null)
  }
}

const log = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`)
aedes.on('client', (client) => log(`client connected ${client.id}`))
aedes.on('clientDisconnect', (client) => log(`client disconnected ${client.id}`))
aedes.on('clientError', (client, err) => log(`client error ${client.id} ${err.message}`))
aedes.on('connectionError', (client, err) => log(`connection error ${err.message}`))
aedes.on('subscribe', (subs, client) => {
  for (const sub of subs) log(`subscribe ${client ? client.id : '-'} ${sub.topic} qos=${sub.qos}`)
})

const tcpServer = net.createServer(aedes.handle)

let httpServer = null
if (opts.wsPort >= 0) {
  const wss = new WebSocketServer({
    noServer: true,
    // Accept the MQTT subprotocols; a client that offers none gets a plain WebSocket.
    handleProtocols: (protocols) => {
      for (const p of ['mqtt', 'mqttv3.1']) if (protocols.has(p)) return p
      return false
    }
  })
  httpServer = http.createServer((req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' })
    res.end('WebSocket upgrade required\n')
  })
  httpServer.on('upgrade', (req, socket, head) => {
    const path = (req.url || '/').split('?')[0]
    if (path !== '/' && path !== '/mqtt') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws)
      stream.on('error', () => stream.destroy())
      aedes.handle(stream, req)
    })
  })
}

function listen (server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, opts.host, () => resolve(server.address().port))
  })
}

async function main () {
  const port = await listen(tcpServer, opts.port)
  const wsPort = httpServer ? await listen(httpServer, opts.wsPort) : -1
  process.stdout.write(`ready port=${port} ws_port=${wsPort}\n`)
}

let stopping = false
function stop () {
  if (stopping) return
  stopping = true
  log('stopping')
  // Do not wait for clients to leave: end now, as a killed broker would.
  setTimeout(() => process.exit(0), 1000).unref()
  aedes.close(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

main().catch((err) => {
  console.error(`broker.js: cannot listen: ${err.message}`)
  process.exit(err.code === 'EADDRINUSE' ? 98 : 1)
})
