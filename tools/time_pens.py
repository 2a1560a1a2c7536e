"""How long Qt takes to paint streaming curves with 2-pixel and 1-pixel pens (offscreen).

  python tools/time_pens.py

Three 20,000-point curves in a pyqtgraph plot (downsampled, clipped to view, as the loss
panel sets them), rendered to an image 20 times per pen width.
"""
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    app = QApplication([])
    rng = np.random.default_rng(0)
    x = np.arange(1, 20001)
    for width in (2, 1):
        w = pg.GraphicsLayoutWidget()
        w.resize(700, 500)
        w.show()
        p = w.addPlot()
        p.setDownsampling(auto=True, mode="peak")
        p.setClipToView(True)
        for _ in range(3):
            p.plot(x, rng.standard_normal(20000).cumsum(), pen=pg.mkPen((200, 50, 50), width=width))
        app.processEvents()
        img = QImage(700, 500, QImage.Format.Format_ARGB32_Premultiplied)
        t = time.perf_counter()
        for _ in range(20):
            qp = QPainter(img)
            w.render(qp)
            qp.end()
        print(f"pen width {width}: {(time.perf_counter() - t) / 20 * 1000:.1f} ms per frame")
        w.close()


if __name__ == "__main__":
    main()
