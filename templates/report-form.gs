/*
 * report-form.gs - written by 'ffgen form' from report-form.def:
 * creates the monthly report form in Google Forms, with the
 * question titles ffintake's gforms dialect expects, and logs the
 * prefill link to put in templates/qr.conf (url = ...).
 *
 * Use: script.google.com > New project, paste this file, run
 * createReportForm, allow access; the log (View > Logs) shows the
 * form's edit link and the qr.conf line.  Then link the form to a
 * sheet (Responses > Link to Sheets) and download it as CSV.
 */
function reportMonths_() {
  // This and next Buddhist year: 'มกราคม 2568' is what ffintake
  // reads as a month.
  var names = ['มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน',
               'พฤษภาคม', 'มิถุนายน', 'กรกฎาคม', 'สิงหาคม',
               'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
  var y = new Date().getFullYear() + 543, out = [];
  for (var k = y; k <= y + 1; k++)
    for (var m = 0; m < 12; m++) out.push(names[m] + ' ' + k);
  return out;
}

function createReportForm() {
  var form = FormApp.create('รายงานผลการพัฒนาครัวเรือนเป้าหมายประจำเดือน');
  var item, hhid;
  item = form.addTextItem();
  item.setValidation(FormApp.createTextValidation().requireTextMatchesPattern('^([0-9]{11}|[0-9]{4}-[0-9]{6}-[0-9])(-?[0-9A-Z])?(-[0-9A-Z]{4,8})?$').setHelpText('รหัสบ้าน 11 หลัก ตามที่พิมพ์ใต้ QR code').build());
  item.setTitle('รหัสบ้าน');
  item.setHelpText('สแกน QR code บนแฟ้มครัวเรือน');
  item.setRequired(true);
  hhid = item;
  item = form.addListItem().setChoiceValues(reportMonths_());
  item.setTitle('เดือนที่รายงาน');
  item.setRequired(true);
  item = form.addTextItem();
  item.setTitle('กิจกรรม');
  item.setRequired(true);
  item = form.addCheckboxItem().setChoiceValues(['ทัศนคติ', 'ทักษะ', 'ทรัพยากร', 'ทางออก']);
  item.setTitle('ประเภทปัจจัย (4ท)');
  item.setHelpText('เลือกได้มากกว่าหนึ่งข้อ');
  item.setRequired(true);
  item = form.addParagraphTextItem();
  item.setTitle('ผลการดำเนินงาน');
  item.setRequired(true);
  item = form.addTextItem().setValidation(FormApp.createTextValidation().requireWholeNumber().build());
  item.setTitle('รายได้หลังพัฒนา (บาท/คน/ปี)');
  item = form.addMultipleChoiceItem().setChoiceValues(['พัฒนาได้', 'ขอรับการสงเคราะห์', 'พึ่งตนเองได้', 'อื่นๆ (เสียชีวิต/ย้าย)']);
  item.setTitle('สถานะหลังพัฒนา');
  item.setRequired(true);
  item = form.addTextItem();
  item.setTitle('ผู้รายงาน');
  item.setRequired(true);
  // The prefill link: the household answer becomes {token}.
  var url = form.createResponse()
      .withItemResponse(hhid.createResponse('24050612765'))
      .toPrefilledUrl().replace('24050612765', '{token}');
  Logger.log('edit the form: ' + form.getEditUrl());
  Logger.log('templates/qr.conf:\n  mode = url\n  url = ' + url +
             '\n  max_version = 8');
  return url;
}
