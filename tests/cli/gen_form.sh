#!/bin/bash
# gen_form.sh - ffgen form: the XLSForm's structure (sheets survey, choices
# and settings; the columns XLSForm needs; field names exactly those of
# ffintake's kobo and odk-central dialects, labels those of the gforms
# dialect; the choice names; the household code's token constraint; the
# 4T factors as select_multiple), every XML part well formed; the Apps
# Script under templates/ is the one the definition gives; a bad definition
# is refused at file:line:col.
set -eu
export FFKIT_TEMPLATE_DIR=$FFTOP/templates
ff() { $FFRUN "$FFBIN/ffgen" "$@"; }

ff form -o "$FFWORK/report-form.xlsx" > "$FFWORK/out.txt"
grep -q "report-form.xlsx: the monthly report form, 8 questions" \
    "$FFWORK/out.txt"
mkdir "$FFWORK/x"
(cd "$FFWORK/x" && unzip -q ../report-form.xlsx)
for f in $(cd "$FFWORK/x" && find . -name '*.xml' -o -name '*.rels'); do
    xmllint --noout "$FFWORK/x/$f"
done
python3 - "$FFWORK/report-form.xlsx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
ns = re.compile(r'<si><t[^>]*>(.*?)</t></si>', re.S)
strings = ns.findall(z.read("xl/sharedStrings.xml").decode())
unesc = lambda s: s.replace("&lt;", "<").replace("&gt;", ">") \
    .replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
strings = [unesc(s) for s in strings]
sheets = re.findall(r'<sheet name="([^"]+)"',
                    z.read("xl/workbook.xml").decode())
assert sheets == ["survey", "choices", "settings"], sheets

def table(i):
    xml = z.read("xl/worksheets/sheet%d.xml" % i).decode()
    rows = {}
    for r, c, v in re.findall(r'<c r="([A-Z]+)(\d+)"[^>]*t="s"[^>]*><v>(\d+)</v>',
                              xml):
        rows.setdefault(int(c), {})[ord(r) - 65] = strings[int(v)]
    head = rows.pop(1)
    cols = [head[k] for k in sorted(head)]
    return cols, [{cols[k]: v for k, v in rows[n].items()}
                  for n in sorted(rows)]

cols, survey = table(1)
for c in ("type", "name", "label", "required", "constraint", "appearance"):
    assert c in cols, c
names = [(r["name"], r.get("label", "")) for r in survey]
want = [("start", ""), ("end", ""), ("hhid", "รหัสบ้าน"),
        ("month", "เดือนที่รายงาน"), ("activity", "กิจกรรม"),
        ("t_category", "ประเภทปัจจัย (4ท)"), ("result", "ผลการดำเนินงาน"),
        ("income_after", "รายได้หลังพัฒนา (บาท/คน/ปี)"),
        ("status_after", "สถานะหลังพัฒนา"), ("reporter", "ผู้รายงาน")]
assert names == want, names
types = {r["name"]: r["type"] for r in survey}
assert types["t_category"] == "select_multiple t4", types
assert types["status_after"] == "select_one status", types
assert types["hhid"] == "text" and types["month"] == "date", types
hh = [r for r in survey if r["name"] == "hhid"][0]
rx = re.search(r"regex\(\., '(.*)'\)", hh["constraint"]).group(1)
for ok in ("24050612765", "24050612765-1", "24050612765-1-K3QZ2M",
           "2405-061276-5", "2405-061276-5-7"):
    assert re.match(rx, ok), ok
for bad in ("2405061276", "2.4050612765E+10", "abc"):
    assert not re.match(rx, bad), bad
ccols, choices = table(2)
assert ccols[:3] == ["list_name", "name", "label"], ccols
got = [(r["list_name"], r["name"]) for r in choices]
assert got == [("t4", "attitude"), ("t4", "skills"), ("t4", "resources"),
               ("t4", "way-out"), ("status", "1"), ("status", "2"),
               ("status", "3"), ("status", "4")], got
assert [r["label"] for r in choices][:4] == ["ทัศนคติ", "ทักษะ", "ทรัพยากร",
                                             "ทางออก"]
scols, settings = table(3)
assert settings[0]["form_id"] == "ffkit_monthly_report", settings
PY

# The Apps Script shipped under templates/ is what the definition gives.
ff form -o "$FFWORK/report-form.gs" >/dev/null
diff -u "$FFTOP/templates/report-form.gs" "$FFWORK/report-form.gs"
grep -q "addCheckboxItem().setChoiceValues(\['ทัศนคติ', 'ทักษะ', 'ทรัพยากร', 'ทางออก'\])" \
    "$FFWORK/report-form.gs"
grep -q "toPrefilledUrl().replace('24050612765', '{token}')" \
    "$FFWORK/report-form.gs"

# A definition error names its line and column; nothing is written.
mkdir "$FFWORK/t"
printf '[survey]\ntype\tname\tlabel\ntext\thhid\tx\ty\n[choices]\nlist_name\tname\tlabel\n[settings]\nform_id\nf\n' \
    > "$FFWORK/t/report-form.def"
set +e
FFKIT_TEMPLATE_DIR=$FFWORK/t ff form -o "$FFWORK/bad.xlsx" 2> "$FFWORK/err"
rc=$?
set -e
test $rc = 1
grep -qx "ffgen: $FFWORK/t/report-form.def:3:1: 4 cells where the header has 3" \
    "$FFWORK/err"
test ! -e "$FFWORK/bad.xlsx"
set +e
ff form -o "$FFWORK/form.pdf" 2>/dev/null
rc=$?
set -e
test $rc = 2
echo ok
