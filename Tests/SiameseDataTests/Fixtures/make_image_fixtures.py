"""Writes small image fixtures and the pixel sums Pillow decodes from them (run with the peer venv's python):
    ~/.cache/siamese-peers/venv/bin/python make_image_fixtures.py
omniglot_item01.png comes from ../shared/datasets/omniglot/all_runs.zip (run01/test/item01.png);
face.jpg and face_rgb.png are made from ../shared/datasets/att-faces/s1/1.pgm."""
import io, json, zipfile
from PIL import Image

shared = "../../../../shared/datasets"
with zipfile.ZipFile(f"{shared}/omniglot/all_runs.zip") as z:
    png = z.read("run01/test/item01.png")
open("omniglot_item01.png", "wb").write(png)
face = Image.open(f"{shared}/att-faces/s1/1.pgm")
face.save("face.jpg", quality=90)
rgb = Image.merge("RGB", (face, face.point(lambda v: 255 - v), face.point(lambda v: v // 2)))
rgb.save("face_rgb.png")

def sums(path):
    im = Image.open(path)
    out = {"size": list(im.size), "mode": im.mode}
    out["grey_sum"] = sum(im.convert("L").getdata())
    if im.mode == "RGB":
        r, g, b = im.split()
        out["rgb_sums"] = [sum(r.getdata()), sum(g.getdata()), sum(b.getdata())]
    return out

expected = {name: sums(name) for name in ["omniglot_item01.png", "face.jpg", "face_rgb.png"]}
expected["att_s1_1.pgm"] = sums(f"{shared}/att-faces/s1/1.pgm")
json.dump(expected, open("images.json", "w"), indent=1, sort_keys=True)
print(json.dumps(expected, indent=1))
