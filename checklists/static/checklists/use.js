// "Använd" on a search result: the logged contact follows that checklist version.
// Sets the form's hidden fields and service, and shows the script beside the form.
(function () {
  function form() { return document.querySelector("#log-form form"); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-checklist-use]");
    if (!button || !form()) return;
    var f = form();
    f.querySelector("[name=checklist_version]").value = button.dataset.checklistUse;
    var service = f.querySelector("[name=service]");
    if (service && !service.value) service.value = button.dataset.serviceLabel;
    var used = f.querySelector("[data-used-checklist]");
    used.querySelector("[data-used-title]").textContent = button.dataset.checklistTitle;
    used.hidden = false;
    if (window.htmx) {
      window.htmx.ajax("GET", "/checklists/" + button.dataset.checklistUse + "/", {
        target: "#checklist-panel", swap: "innerHTML"
      });
    }
    // The chosen script takes the results' place, right under the search box.
    var results = document.getElementById("checklist-results");
    if (results) results.innerHTML = "";
    var summary = f.querySelector("[name=summary]");
    if (summary) summary.focus();
  });

  // After a contact is logged the search starts over for the next caller.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "log-form" || !event.target.querySelector("[role=status]")) return;
    var search = document.getElementById("id_checklist_q");
    if (search) search.value = "";
  });

  // What the agent searched for goes with the contact (knowledge gaps, learning).
  document.addEventListener("input", function (event) {
    if (event.target.id !== "id_checklist_q" || !form()) return;
    form().querySelector("[name=search_text]").value = event.target.value;
  });
})();
