/*
 * simlab's stand-in for ReconnectingWebSocket (joewalnes/reconnecting-websocket),
 * written from its documented API: `new ReconnectingWebSocket(url, protocols, options)`
 * behaves as a WebSocket (send, close, readyState, onopen/onmessage/onclose/onerror,
 * addEventListener) and reopens the connection after it drops, waiting longer each time.
 * Options: automaticOpen, reconnectInterval, maxReconnectInterval, reconnectDecay,
 * timeoutInterval, maxReconnectAttempts, debug.
 */
(function (root) {
  "use strict";
  if (typeof root.WebSocket === "undefined") return;

  var DEFAULTS = {
    debug: false,
    automaticOpen: true,
    reconnectInterval: 1000,
    maxReconnectInterval: 30000,
    reconnectDecay: 1.5,
    timeoutInterval: 2000,
    maxReconnectAttempts: null,
  };

  function ReconnectingWebSocket(url, protocols, options) {
    var self = this;
    var settings = Object.assign({}, DEFAULTS, options || {});
    Object.keys(settings).forEach(function (k) { self[k] = settings[k]; });
    this.url = url;
    this.protocol = null;
    this.readyState = root.WebSocket.CONNECTING;
    this.reconnectAttempts = 0;
    var listeners = {};
    var ws = null;
    var forcedClose = false;
    var retry = null;

    this.onopen = this.onclose = this.onconnecting = this.onmessage = this.onerror = function () {};

    this.addEventListener = function (type, fn) { (listeners[type] = listeners[type] || []).push(fn); };
    this.removeEventListener = function (type, fn) {
      listeners[type] = (listeners[type] || []).filter(function (f) { return f !== fn; });
    };
    function fire(type, event) {
      var handler = self["on" + type];
      if (typeof handler === "function") handler.call(self, event);
      (listeners[type] || []).forEach(function (fn) { fn.call(self, event); });
    }
    function log(msg) { if (self.debug || ReconnectingWebSocket.debugAll) console.debug("ReconnectingWebSocket", msg, url); }

    this.open = function (reconnectAttempt) {
      if (self.maxReconnectAttempts && self.reconnectAttempts > self.maxReconnectAttempts) return;
      if (!reconnectAttempt) self.reconnectAttempts = 0;
      ws = new root.WebSocket(url, protocols || []);
      fire("connecting", { isReconnect: !!reconnectAttempt });
      var timeout = setTimeout(function () { log("connection timeout"); ws.close(); }, self.timeoutInterval);
      ws.onopen = function (event) {
        clearTimeout(timeout);
        self.protocol = ws.protocol;
        self.readyState = root.WebSocket.OPEN;
        self.reconnectAttempts = 0;
        event.isReconnect = !!reconnectAttempt;
        fire("open", event);
      };
      ws.onclose = function (event) {
        clearTimeout(timeout);
        ws = null;
        if (forcedClose) {
          self.readyState = root.WebSocket.CLOSED;
          fire("close", event);
          return;
        }
        self.readyState = root.WebSocket.CONNECTING;
        fire("connecting", event);
        if (!reconnectAttempt) fire("close", event);
        var wait = self.reconnectInterval * Math.pow(self.reconnectDecay, self.reconnectAttempts);
        retry = setTimeout(function () {
          self.reconnectAttempts++;
          self.open(true);
        }, Math.min(wait, self.maxReconnectInterval));
      };
      ws.onmessage = function (event) { fire("message", event); };
      ws.onerror = function (event) { log("error"); fire("error", event); };
    };

    this.send = function (data) {
      if (!ws) throw new Error("INVALID_STATE_ERR : Pausing to reconnect websocket");
      ws.send(data);
    };
    this.close = function (code, reason) {
      forcedClose = true;
      clearTimeout(retry);
      if (ws) ws.close(code || 1000, reason);
    };
    this.refresh = function () { if (ws) ws.close(); };

    if (this.automaticOpen) this.open(false);
  }

  ReconnectingWebSocket.debugAll = false;
  ReconnectingWebSocket.CONNECTING = 0;
  ReconnectingWebSocket.OPEN = 1;
  ReconnectingWebSocket.CLOSING = 2;
  ReconnectingWebSocket.CLOSED = 3;
  root.ReconnectingWebSocket = ReconnectingWebSocket;
})(typeof window !== "undefined" ? window : this);
