/* The what-if form's selects look like the site's. */
document.querySelectorAll("#what-if-form select").forEach(function (s) { s.classList.add("form-select", "form-select-sm"); });
