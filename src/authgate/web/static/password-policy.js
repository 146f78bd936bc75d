// Marks each rule of the connection's password policy as met or not while the user types
// (Auth0's password-sheriff rules; the server checks them again on submit). Each rule's
// data-check: {code, n?, classes?}. Lengths count UTF-16 code units, as the server does.
(function () {
  "use strict";
  var list = document.getElementById("password-rules");
  var input = document.getElementById("password");
  if (!list || !input) { return; }
  var status = document.getElementById("password-rules-status");
  var rules = list.querySelectorAll("li[data-check]");
  var classes = {
    lowerCase: /[a-z]/,
    upperCase: /[A-Z]/,
    numbers: /[0-9]/,
    specialCharacters: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/
  };

  function count(password, names) {
    var found = 0;
    for (var i = 0; i < names.length; i++) {
      var pattern = classes[names[i]];
      if (pattern && pattern.test(password)) { found += 1; }
    }
    return found;
  }

  function identicalRun(password, max) {
    var run = 0;
    for (var i = 0; i < password.length; i++) {
      run = i > 0 && password.charAt(i) === password.charAt(i - 1) ? run + 1 : 1;
      if (run > max) { return false; }
    }
    return password.length > 0;
  }

  function met(check, password) {
    switch (check.code) {
      case "nonEmpty": return password.length > 0;
      case "lengthAtLeast": return password.length >= check.n;
      case "shouldContain": return count(password, check.classes || []) === (check.classes || []).length;
      case "containsAtLeast": return count(password, check.classes || []) >= check.n;
      case "identicalChars": return identicalRun(password, check.n);
      default: return false;
    }
  }

  function update() {
    var password = input.value;
    var done = 0;
    for (var i = 0; i < rules.length; i++) {
      var ok = met(JSON.parse(rules[i].getAttribute("data-check")), password);
      rules[i].setAttribute("data-state", ok ? "met" : "unmet");
      rules[i].setAttribute("aria-label", rules[i].textContent.trim() + ": " +
        (ok ? list.getAttribute("data-met") : list.getAttribute("data-unmet")));
      if (ok) { done += 1; }
    }
    if (status) { status.textContent = done + " / " + rules.length; }
  }

  input.addEventListener("input", update);
  update();
})();
