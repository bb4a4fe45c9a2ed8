// Printable pages: a button that opens the browser's print dialogue.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
