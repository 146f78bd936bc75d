// Auth0's web_message response mode: hand the authorization response to the page that opened
// this one (an iframe's parent or a popup's opener), and only to the client's origin.
(function () {
  var data = JSON.parse(document.getElementById("authorization-response").textContent);
  var target = window.opener || window.parent;
  target.postMessage(
    { type: "authorization_response", response: data.response },
    data.origin
  );
})();
