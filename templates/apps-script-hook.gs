/**
 * apps-script-hook.gs - send each Google Form response to ffintake serve
 * the moment it is submitted (POST /hooks/json).
 *
 * Install (once, by the form's owner):
 *   1. Open the form's responses spreadsheet: Extensions > Apps Script.
 *   2. Paste this file, set FFKIT_URL to the server's address (https, behind
 *      the reverse proxy) and run setToken() once with the token that
 *      `ffintake token add NAME --ledger L.db` printed.  The token is kept
 *      in the script's properties, not in the code.
 *   3. Triggers > Add trigger: function onFormSubmit, event source "From
 *      spreadsheet", event type "On form submit".
 *
 * Each post is one object whose keys are the sheet's header row (the
 * question titles: the same columns as the CSV download, so ffintake reads
 * it with the same gforms dialect) and whose values are the cells as the
 * sheet shows them (getDisplayValues: the timestamp in the sheet's locale,
 * as in the CSV).  A 503 answer (the ledger busy) is retried three times;
 * a response that still did not arrive stays in the sheet, and the monthly
 * CSV download loaded with `ffintake load` brings it in (a report sent both
 * ways is stored once: every field identical = duplicate).
 */
var FFKIT_URL = 'https://intake.example.go.th/hooks/json';

function setToken(token) {
  PropertiesService.getScriptProperties().setProperty('FFKIT_TOKEN', token);
}

function onFormSubmit(e) {
  var sheet = e.range.getSheet();
  var header = sheet.getRange(1, 1, 1, sheet.getLastColumn())
                    .getDisplayValues()[0];
  var row = sheet.getRange(e.range.getRow(), 1, 1, header.length)
                 .getDisplayValues()[0];
  var record = {};
  for (var i = 0; i < header.length; i++) {
    if (header[i] !== '') record[header[i]] = row[i];
  }
  var token = PropertiesService.getScriptProperties()
                               .getProperty('FFKIT_TOKEN');
  var options = {
    method: 'post',
    contentType: 'application/json',
    headers: {Authorization: 'Bearer ' + token},
    payload: JSON.stringify(record),
    muteHttpExceptions: true
  };
  for (var attempt = 0; attempt < 4; attempt++) {
    var r = UrlFetchApp.fetch(FFKIT_URL, options);
    var code = r.getResponseCode();
    if (code === 200 || code === 201) return;
    if (code !== 502 && code !== 503 && code !== 504) {
      console.error('ffintake refused the response: ' + code + ' ' +
                    r.getContentText());
      return;
    }
    Utilities.sleep(5000 * (attempt + 1));
  }
}
