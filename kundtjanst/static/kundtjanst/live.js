// Live case list: when a case this user may see changes, the list reloads itself (htmx).
(function () {
  if (!("WebSocket" in window)) return;
  var delay = 1000;
  function connect() {
    var proto = location.protocol === "https:" ? "wss" : "ws";
    var socket = new WebSocket(proto + "://" + location.host + "/ws/cases/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function () {
      var target = document.querySelector("[data-live-cases]");
      if (target && window.htmx) window.htmx.trigger(target, "cases-changed");
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) return; // not allowed: do not retry
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
