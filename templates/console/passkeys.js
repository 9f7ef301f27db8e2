// Passkeys in the console (issue #18), a progressive enhancement: every page works without this script.
// Where the browser has WebAuthn with JSON options (PublicKeyCredential.parse*OptionsFromJSON), it shows the page's
// passkey sections (hidden otherwise) and, on their forms' submit:
//   data-passkey="create": POST data-options (the creation options, JSON), navigator.credentials.create(),
//                          then POST the credential's JSON to the form's action (/console/passkeys);
//   data-passkey="get":    POST data-options (the request options, JSON), navigator.credentials.get(),
//                          then POST the credential's JSON to the form's action (/console/sign-in/passkey).
// Each POST carries the form's antiforgery token in the RequestVerificationToken header. On success the server answers
// {"redirect": "/console"}; otherwise {"message": "..."}, shown in the section's alert.
(function () {
  'use strict';

  var pkc = window.PublicKeyCredential;
  if (!pkc || !navigator.credentials
      || typeof pkc.parseCreationOptionsFromJSON !== 'function'
      || typeof pkc.parseRequestOptionsFromJSON !== 'function') {
    return;
  }

  var generic = 'The passkey did not work. Try again, or sign in another way.';

  function token(form) {
    var field = form.querySelector('input[name="__RequestVerificationToken"]');
    return field ? field.value : '';
  }

  function post(form, url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token(form) },
      body: body
    });
  }

  async function messageOf(response) {
    if (response.status === 429) {
      return 'Too many sign-in attempts came from your connection. Wait a minute, then try again.';
    }
    try {
      var body = await response.json();
      return body && typeof body.message === 'string' ? body.message : generic;
    } catch (e) {
      return generic;
    }
  }

  function show(form, text) {
    var alert = form.parentElement.querySelector('[role="alert"]');
    if (alert) {
      alert.textContent = text;
      alert.hidden = false;
    }
  }

  async function run(form) {
    var creating = form.dataset.passkey === 'create';
    var options = await post(form, form.dataset.options, '{}');
    if (!options.ok) {
      show(form, await messageOf(options));
      return;
    }
    var json = await options.json();
    var credential;
    try {
      credential = creating
        ? await navigator.credentials.create({ publicKey: pkc.parseCreationOptionsFromJSON(json) })
        : await navigator.credentials.get({ publicKey: pkc.parseRequestOptionsFromJSON(json) });
    } catch (e) {
      // Cancelled, timed out, or no passkey of ours on this device.
      show(form, generic);
      return;
    }
    if (!credential) {
      show(form, generic);
      return;
    }
    var answer = await post(form, form.action, JSON.stringify(credential));
    if (!answer.ok) {
      show(form, await messageOf(answer));
      return;
    }
    var done = await answer.json();
    window.location.assign(done.redirect);
  }

  var forms = document.querySelectorAll('form[data-passkey]');
  Array.prototype.forEach.call(forms, function (form) {
    var section = form.closest('section');
    if (section) {
      section.hidden = false;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button');
      if (button) {
        button.disabled = true;
      }
      run(form).catch(function () {
        show(form, generic);
      }).finally(function () {
        if (button) {
          button.disabled = false;
        }
      });
    });
  });
}());
