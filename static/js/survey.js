// Survey pages: show progress as questions are answered, and send the form only once.
document.querySelectorAll("[data-survey-form]").forEach(function (form) {
  var bar = document.querySelector("[data-survey-progress]");
  var fieldsets = form.querySelectorAll("fieldset[id^='q-']");
  function update() {
    var answered = 0;
    fieldsets.forEach(function (fieldset) {
      var filled = Array.prototype.some.call(fieldset.querySelectorAll("input, textarea"), function (input) {
        return (input.type === "radio" || input.type === "checkbox") ? input.checked : input.value.trim() !== "";
      });
      if (filled) { answered += 1; }
    });
    if (bar && fieldsets.length) { bar.style.width = Math.round(100 * answered / fieldsets.length) + "%"; }
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
  form.addEventListener("submit", function () {
    form.querySelectorAll("[data-submit-once]").forEach(function (button) {
      // Disabled after the browser has taken the form's values, so the submit itself still goes out.
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
});
