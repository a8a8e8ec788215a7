#!/usr/bin/env bash
# Builds assets/fonts/chart-cjk-subset.ttf, the only font the charts use: WenQuanYi Micro Hei
# cut down to the characters a chart can ever draw, so that Chinese labels render on any machine
# (and in the Lambda bundle) without a system font, at a few hundred KB instead of 5 MB.
#
# Needs (Debian): apt-get install -y fonts-wqy-microhei python3-fonttools
# Run it again whenever reference/*.json or templates/locales/*.json gain new characters; the
# test test/unit/charts-font.test.ts says when that is needed. Same inputs give the same bytes.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_font="${SOURCE_FONT:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}"
python="${PYTHON:-/usr/bin/python3}"
out_dir="$repo_root/assets/fonts"

if [[ ! -f "$source_font" ]]; then
  echo "build-chart-font: $source_font not found; run: apt-get install -y fonts-wqy-microhei" >&2
  exit 1
fi
if ! "$python" -c 'import fontTools.subset' 2>/dev/null; then
  echo "build-chart-font: $python has no fontTools; run: apt-get install -y python3-fonttools" >&2
  exit 1
fi

mkdir -p "$out_dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The character set: fixed ranges for numbers, punctuation and Latin text, a few words that date
# and period labels use, and every character of the label data.
"$python" - "$repo_root" "$source_font" "$work/unicodes.txt" <<'PY'
import glob, json, os, sys
from fontTools.ttLib import TTCollection

repo_root, source_font, out_path = sys.argv[1:4]

def char_range(first, last):
    return {chr(c) for c in range(first, last + 1)}

# Ranges: whatever the source font has of them. Required: characters a label uses.
ranges = set()
ranges |= char_range(0xA0, 0xFF)      # Latin-1: ·, ×, °, accented Latin
ranges |= char_range(0x2010, 0x2027)  # dashes, quotes, bullet, ellipsis
ranges |= char_range(0x3000, 0x3011)  # ideographic space, 、。〈〉《》「」『』【】
ranges |= char_range(0x3014, 0x301F)
ranges |= char_range(0xFF01, 0xFF5E)  # full-width forms: ，：（）％ and full-width digits
required = char_range(0x20, 0x7E)     # printable ASCII
required |= set('\u00B7\u2013\u2014\u2026\u2212\u2030\u2190\u2191\u2192\u2193\u2264\u2265\uFFE5')
required |= set('，。、：；！？（）％《》【】“”‘’')
required |= set('〇一二三四五六七八九十百千万亿年月日周第季度时分至到上下本前后同比环较增减合计其他未知')
# Words of the domain that chart titles and legends are likely to use before a locale has them.
required |= set('携号转网携入携出净流量趋势占比例率拒绝原因运营商省份地区类别不满意投诉用户数量笔单位户次申请成功完成取消待处理渠道营业厅线上短信应用门店电话期值退出离全国总部平均中位')

def strings_of(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item)

sources = sorted(glob.glob(os.path.join(repo_root, 'reference', '*.json')))
sources += sorted(glob.glob(os.path.join(repo_root, 'templates', 'locales', '*.json')))
for path in sources:
    with open(path, encoding='utf-8') as f:
        for text in strings_of(json.load(f)):
            required |= {c for c in text if c.isprintable()}
    print('build-chart-font: characters of', os.path.relpath(path, repo_root))

cmap = TTCollection(source_font).fonts[0].getBestCmap()
missing = sorted(c for c in required if ord(c) not in cmap)
if missing:
    sys.exit('build-chart-font: the source font lacks ' + ' '.join(f'{c} (U+{ord(c):04X})' for c in missing))
chars = required | {c for c in ranges if ord(c) in cmap}

with open(out_path, 'w', encoding='ascii') as f:
    f.write('\n'.join(f'U+{ord(c):04X}' for c in sorted(chars)) + '\n')
print(f'build-chart-font: {len(chars)} characters requested')
PY

# Face 0 of the collection is the proportional "WenQuanYi Micro Hei". Hinting is dropped (resvg
# does not use it); names are kept in English only; the .notdef box stays so that a glyph that
# slipped through would show as a box rather than vanish.
"$python" -m fontTools.subset "$source_font" \
  --font-number=0 \
  --unicodes-file="$work/unicodes.txt" \
  --no-hinting \
  --notdef-outline \
  --drop-tables+=FFTM,vhea,vmtx \
  --output-file="$out_dir/chart-cjk-subset.ttf" 2> >(grep -v 'NOT subset' >&2 || true)

{
  echo "The file chart-cjk-subset.ttf in this folder is a modified version (a subset: fewer"
  echo "characters, no hinting) of WenQuanYi Micro Hei 0.2.0-beta as packaged by Debian"
  echo "(fonts-wqy-microhei), built by scripts/build-chart-font.sh. It is used and redistributed"
  echo "here under the Apache License, Version 2.0, one of the two licences the font is offered"
  echo "under. The copyright notice of the Debian package follows, then the licence text."
  echo
  echo "--------------------------------------------------------------------------------"
  cat /usr/share/doc/fonts-wqy-microhei/copyright
  echo
  echo "--------------------------------------------------------------------------------"
  cat /usr/share/common-licenses/Apache-2.0
} > "$out_dir/LICENSE-wqy-microhei.txt"

size=$(stat -c %s "$out_dir/chart-cjk-subset.ttf")
echo "build-chart-font: wrote assets/fonts/chart-cjk-subset.ttf ($size bytes)"
