<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>ChooseKView</name>
        <message>
            <source>K (components)</source>
            <translation>K（分量数）</translation>
        </message>
        <message>
            <source>criterion (lower is better)</source>
            <translation>准则值（越低越好）</translation>
        </message>
        <message>
            <source>Compute BIC/AIC</source>
            <translation>计算 BIC/AIC</translation>
        </message>
        <message>
            <source>Use best K</source>
            <translation>采用最佳 K</translation>
        </message>
        <message>
            <source>Fits K = 1 … K max (each the best of %1 k-means++ starts) and scores each.</source>
            <translation>对 K = 1 … K 最大值逐个拟合（每个取 %1 次 k-means++ 起点中最好的一次）并打分。</translation>
        </message>
        <message>
            <source>Lowest BIC at K = %1 (BIC = −2·N·ℓ + p·log N; AIC = −2·N·ℓ + 2p; each K the best of %2 starts).</source>
            <translation>K = %1 时 BIC 最低（BIC = −2·N·ℓ + p·log N；AIC = −2·N·ℓ + 2p；每个 K 取 %2 次起点中最好的一次）。</translation>
        </message>
        <message>
            <source>Fitted K = %1 (best of %2 starts) …</source>
            <translation>已拟合 K = %1（%2 次起点取最优）…</translation>
        </message>
        <message>
            <source>K max</source>
            <translation>K 上限</translation>
        </message>
    </context>
    <context>
        <name>CompareView</name>
        <message>
            <source>Compare runs</source>
            <translation>比较运行</translation>
        </message>
        <message>
            <source>The metric whose curves are overlaid</source>
            <translation>叠加显示曲线的指标</translation>
        </message>
        <message>
            <source>Smoothing of the curves (a moving average)</source>
            <translation>曲线平滑（滑动平均）</translation>
        </message>
        <message>
            <source>Export PNG…</source>
            <translation>导出 PNG…</translation>
        </message>
        <message>
            <source>Save this comparison, curves and pictures, as PNG</source>
            <translation>把这次比较（曲线和图片）保存为 PNG</translation>
        </message>
        <message>
            <source>Metric</source>
            <translation>指标</translation>
        </message>
        <message>
            <source>Smoothing</source>
            <translation>平滑</translation>
        </message>
        <message>
            <source>step</source>
            <translation>步</translation>
        </message>
        <message>
            <source>Step through the saved sample pictures of every run at once</source>
            <translation>同时逐步浏览每个运行保存的样本图片</translation>
        </message>
        <message>
            <source>Step</source>
            <translation>步</translation>
        </message>
        <message>
            <source>no pictures</source>
            <translation>没有图片</translation>
        </message>
        <message>
            <source>step %1</source>
            <translation>第 %1 步</translation>
        </message>
        <message>
            <source>Export comparison</source>
            <translation>导出比较</translation>
        </message>
    </context>
    <context>
        <name>ControlPanel</name>
        <message>
            <source>%v / %m steps</source>
            <translation>%v / %m 步</translation>
        </message>
        <message>
            <source>A named starting point: model, data and hyperparameters that work.</source>
            <translation>一个命名的起点：可直接使用的模型、数据和超参数组合。</translation>
        </message>
        <message>
            <source>Preset</source>
            <translation>预设</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Hyperparameters</source>
            <translation>超参数</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>Start training (Ctrl+Return)</source>
            <translation>开始训练（Ctrl+Return）</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Pause or resume (Ctrl+P)</source>
            <translation>暂停或继续（Ctrl+P）</translation>
        </message>
        <message>
            <source>Stop</source>
            <translation>停止</translation>
        </message>
        <message>
            <source>Stop the run; the checkpoint is kept (Ctrl+.)</source>
            <translation>停止本次训练；检查点会保留（Ctrl+.）</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>就绪</translation>
        </message>
        <message>
            <source> Range %1 to %2.</source>
            <translation>取值范围 %1 到 %2。</translation>
        </message>
        <message>
            <source> Can be changed while training.</source>
            <translation>训练过程中也可修改。</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Finished</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>Stopped</source>
            <translation>已停止</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <source>%1 steps/s · ETA %2</source>
            <translation>%1 步/秒 · 预计剩余 %2</translation>
        </message>
    </context>
    <context>
        <name>CycleGANPanel</name>
        <message>
            <source>digits</source>
            <translation>手写数字</translation>
        </message>
        <message>
            <source>inverted digits</source>
            <translation>反色数字</translation>
        </message>
        <message>
            <source>colour digits</source>
            <translation>彩色数字</translation>
        </message>
        <message>
            <source>Press Start: each column follows one picture of domain A through G (A → B) and back through F, and one of B through F and back.</source>
            <translation>请按“开始”：每一列跟踪域 A 的一张图片经过 G（A → B）再经 F 回到 A，以及域 B 的一张图片经过 F 再回到 B。</translation>
        </message>
        <message>
            <source>Cycle: how strongly F(G(a)) must give back a (keeps content). Identity: how much G must leave a B picture as it is (keeps colours); a fraction of the cycle weight. Takes effect at the next step.</source>
            <translation>循环：F(G(a)) 必须在多大程度上还原 a（保留内容）。恒等：G 必须在多大程度上保持 B 图片不变（保留颜色），以循环权重的比例表示。下一步即生效。</translation>
        </message>
        <message>
            <source>Identity loss |G(b) - b| + |F(a) - a|, as a fraction of the cycle weight; 0 turns it off. Takes effect at the next step.</source>
            <translation>恒等损失 |G(b) - b| + |F(a) - a|，以循环权重的比例表示；0 表示关闭。下一步即生效。</translation>
        </message>
        <message>
            <source>F(G(A)): back to A</source>
            <translation>F(G(A))：回到 A</translation>
        </message>
        <message>
            <source>G(F(B)): back to B</source>
            <translation>G(F(B))：回到 B</translation>
        </message>
        <message>
            <source>Step %1 · cycle error %2 (mean |F(G(a)) - a|, pixels in [0, 1])</source>
            <translation>第 %1 步 · 循环误差 %2（平均 |F(G(a)) - a|，像素取值 [0, 1]）</translation>
        </message>
    </context>
    <context>
        <name>EMPanel</name>
        <message>
            <source>blobs (true mixture)</source>
            <translation>高斯团（真实混合）</translation>
        </message>
        <message>
            <source>blobs 1-D (true mixture)</source>
            <translation>一维高斯团（真实混合）</translation>
        </message>
        <message>
            <source>ring8</source>
            <translation>八峰环 (ring8)</translation>
        </message>
        <message>
            <source>grid25</source>
            <translation>5×5 网格 (grid25)</translation>
        </message>
        <message>
            <source>moons</source>
            <translation>双月 (moons)</translation>
        </message>
        <message>
            <source>spiral</source>
            <translation>螺旋 (spiral)</translation>
        </message>
        <message>
            <source>iteration</source>
            <translation>迭代次数</translation>
        </message>
        <message>
            <source>mean log-likelihood ℓ</source>
            <translation>平均对数似然 ℓ</translation>
        </message>
        <message>
            <source>Log-likelihood</source>
            <translation>对数似然</translation>
        </message>
        <message>
            <source>Choose K</source>
            <translation>选择 K</translation>
        </message>
        <message>
            <source>E-step</source>
            <translation>E 步</translation>
        </message>
        <message>
            <source>Responsibilities r_nk under the current parameters</source>
            <translation>在当前参数下计算责任度 r_nk</translation>
        </message>
        <message>
            <source>M-step</source>
            <translation>M 步</translation>
        </message>
        <message>
            <source>New weights, means, covariances from r_nk (animated)</source>
            <translation>由 r_nk 得到新的权重、均值和协方差（带动画）</translation>
        </message>
        <message>
            <source>Full step</source>
            <translation>完整一步</translation>
        </message>
        <message>
            <source>One EM iteration: E then M</source>
            <translation>一次 EM 迭代：先 E 步，再 M 步</translation>
        </message>
        <message>
            <source>Step back</source>
            <translation>后退一步</translation>
        </message>
        <message>
            <source>Undo the last E-step, M-step or edit</source>
            <translation>撤销上一次 E 步、M 步或编辑</translation>
        </message>
        <message>
            <source>Play</source>
            <translation>播放</translation>
        </message>
        <message>
            <source>Step on and on at the chosen speed</source>
            <translation>按所选速度连续迭代</translation>
        </message>
        <message>
            <source>Reset</source>
            <translation>重置</translation>
        </message>
        <message>
            <source>Back to the starting parameters</source>
            <translation>回到初始参数</translation>
        </message>
        <message>
            <source>Run to convergence</source>
            <translation>运行至收敛</translation>
        </message>
        <message>
            <source>Iterate without animation until |Δℓ| &lt; tol</source>
            <translation>不带动画地迭代，直到 |Δℓ| &lt; tol</translation>
        </message>
        <message>
            <source>Iterations per second while playing</source>
            <translation>播放时每秒迭代次数</translation>
        </message>
        <message>
            <source>Generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>New points from the chosen set</source>
            <translation>从所选数据集生成新的点</translation>
        </message>
        <message>
            <source>Load points…</source>
            <translation>载入点…</translation>
        </message>
        <message>
            <source>A .csv (optional header) or .npz of points</source>
            <translation>点数据：.csv（表头可选）或 .npz</translation>
        </message>
        <message>
            <source>Load init…</source>
            <translation>载入初值…</translation>
        </message>
        <message>
            <source>A .npz with weights, means, covariances</source>
            <translation>包含权重、均值和协方差的 .npz 文件</translation>
        </message>
        <message>
            <source>starts </source>
            <translation>起点数 </translation>
        </message>
        <message>
            <source>EM is run from this many starting points and the best fit is kept (one start can land in a poor optimum); the steps then show the fit from the best start. Choose K uses as many.</source>
            <translation>EM 从这么多个起点各运行一次，保留最好的拟合（单个起点可能陷入较差的局部最优）；随后的逐步演示从最好的起点开始。“选择 K”也使用同样多的起点。</translation>
        </message>
        <message>
            <source>New start</source>
            <translation>重新初始化</translation>
        </message>
        <message>
            <source>New starting parameters (K, type, init, starts)</source>
            <translation>新的起始参数（K、协方差类型、初始化、起点数）</translation>
        </message>
        <message>
            <source>true mixture</source>
            <translation>真实混合</translation>
        </message>
        <message>
            <source>Click: add a point · Shift+click: remove one · drag a ⊕ to move a mean</source>
            <translation>单击：添加一个点 · Shift+单击：删除一个点 · 拖动 ⊕ 可移动均值</translation>
        </message>
        <message>
            <source>converged</source>
            <translation>已收敛</translation>
        </message>
        <message>
            <source>next: %1-step</source>
            <translation>下一步：%1 步</translation>
        </message>
        <message>
            <source>[iteration %1, K=%2, %3, N=%4, %5]</source>
            <translation>[第 %1 次迭代，K=%2，%3，N=%4，%5]</translation>
        </message>
        <message>
            <source>%1/s</source>
            <translation>%1 次/秒</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Cannot do that: %1</source>
            <translation>无法执行：%1</translation>
        </message>
        <message>
            <source>Load points</source>
            <translation>载入点</translation>
        </message>
        <message>
            <source>Points (*.csv *.npz)</source>
            <translation>点数据 (*.csv *.npz)</translation>
        </message>
        <message>
            <source>Load starting parameters</source>
            <translation>载入初始参数</translation>
        </message>
        <message>
            <source>Parameters (*.npz)</source>
            <translation>参数 (*.npz)</translation>
        </message>
    </context>
    <context>
        <name>Field2DPanel</name>
        <message>
            <source>D heatmap</source>
            <translation>D 热力图</translation>
        </message>
        <message>
            <source>Real</source>
            <translation>真实</translation>
        </message>
        <message>
            <source>Generated</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>G gradient</source>
            <translation>G 梯度</translation>
        </message>
        <message>
            <source>Noise grid</source>
            <translation>噪声网格</translation>
        </message>
        <message>
            <source>My drawing</source>
            <translation>我的绘制</translation>
        </message>
        <message>
            <source>What D says at each place: green = looks real, purple = looks fake.</source>
            <translation>D 对每个位置的判断：绿色 = 像真的，紫色 = 像假的。</translation>
        </message>
        <message>
            <source>A fixed sample of the training data.</source>
            <translation>训练数据的一个固定样本。</translation>
        </message>
        <message>
            <source>G's output for a fixed batch of noise.</source>
            <translation>G 对一批固定噪声的输出。</translation>
        </message>
        <message>
            <source>Where G's loss pushes each generated point (its negative gradient), scaled so the longest arrow is short.</source>
            <translation>G 的损失把每个生成点推向何处（负梯度方向），已缩放，使最长的箭头也很短。</translation>
        </message>
        <message>
            <source>A square grid in noise space (the first two noise dimensions) as G maps it: how G folds and stretches its input.</source>
            <translation>噪声空间中的方形网格（前两个噪声维度）经 G 映射后的样子：可以看出 G 如何折叠和拉伸它的输入。</translation>
        </message>
        <message>
            <source>The points you drew.</source>
            <translation>你绘制的点。</translation>
        </message>
        <message>
            <source>D step</source>
            <translation>D 一步</translation>
        </message>
        <message>
            <source>One discriminator update (pause first to watch it alone)</source>
            <translation>判别器更新一次（先暂停，才能单独观察）</translation>
        </message>
        <message>
            <source>G step</source>
            <translation>G 一步</translation>
        </message>
        <message>
            <source>One generator update</source>
            <translation>生成器更新一次</translation>
        </message>
        <message>
            <source>D+G step</source>
            <translation>D+G 一步</translation>
        </message>
        <message>
            <source>One full training step: D updates, then a G update</source>
            <translation>完整训练一步：先更新 D，再更新 G</translation>
        </message>
        <message>
            <source>Slow motion</source>
            <translation>慢动作</translation>
        </message>
        <message>
            <source>Pause the run and take full steps at this many per second</source>
            <translation>暂停训练，按每秒这么多步逐步执行</translation>
        </message>
        <message>
            <source> steps/s</source>
            <translation> 步/秒</translation>
        </message>
        <message>
            <source>Draw</source>
            <translation>绘制</translation>
        </message>
        <message>
            <source>Drag in the plot to spray points: your own distribution</source>
            <translation>在图中拖动来喷洒点：画出你自己的分布</translation>
        </message>
        <message>
            <source>Clear drawing</source>
            <translation>清除绘制</translation>
        </message>
        <message>
            <source>Train on my drawing</source>
            <translation>用我的绘制训练</translation>
        </message>
        <message>
            <source>Swap the training data for your points (at least %1)</source>
            <translation>把训练数据换成你画的点（至少 %1 个）</translation>
        </message>
        <message>
            <source>Train a GAN on 2-D points to see its field here.</source>
            <translation>在二维点上训练 GAN，这里会显示它的场。</translation>
        </message>
        <message>
            <source>Step %1 · background: %2</source>
            <translation>第 %1 步 · 背景：%2</translation>
        </message>
        <message>
            <source> · modes covered %1/%2 · high quality %3</source>
            <translation> · 覆盖模式 %1/%2 · 高质量 %3</translation>
        </message>
        <message>
            <source>D(x) = P(real)</source>
            <translation>D(x) = P(真实)</translation>
        </message>
        <message>
            <source>D score (bce)</source>
            <translation>D 得分（bce）</translation>
        </message>
        <message>
            <source>D score (lsgan)</source>
            <translation>D 得分（lsgan）</translation>
        </message>
        <message>
            <source>D score (hinge)</source>
            <translation>D 得分（hinge）</translation>
        </message>
        <message>
            <source>D score (wgan)</source>
            <translation>D 得分（wgan）</translation>
        </message>
    </context>
    <context>
        <name>FolderInfo</name>
        <message>
            <source>A folder of your pictures</source>
            <translation>你的图片文件夹</translation>
        </message>
        <message>
            <source>Reading %1 …</source>
            <translation>正在读取 %1 …</translation>
        </message>
        <message>
            <source>decoded cache %1 on disk</source>
            <translation>磁盘上已有 %1 的解码缓存</translation>
        </message>
        <message>
            <source>decoded into a cache of about %1 at Start</source>
            <translation>按“开始”时解码为约 %1 的缓存</translation>
        </message>
        <message>
            <source>%1 pictures in %2 class(es), %3 to %4 px; %5 (press Start)</source>
            <translation>%1 张图片，%2 个类别，%3 到 %4 px；%5（请按“开始”）</translation>
        </message>
        <message>
            <source>Decoding the pictures into the cache: %1 of %2</source>
            <translation>正在把图片解码到缓存：%1 / %2</translation>
        </message>
        <message>
            <source>decoding %1%</source>
            <translation>解码 %1%</translation>
        </message>
    </context>
    <context>
        <name>Gallery</name>
        <message>
            <source>Ring of 8 — watch a GAN find the modes</source>
            <translation>八峰环——看 GAN 如何找到各个模式</translation>
        </message>
        <message>
            <source>25 modes — can a GAN find them all?</source>
            <translation>25 个模式——GAN 能全部找到吗？</translation>
        </message>
        <message>
            <source>Handwritten digits from noise</source>
            <translation>从噪声生成手写数字</translation>
        </message>
        <message>
            <source>Convolutions draw sharper digits</source>
            <translation>卷积网络画出更清晰的数字</translation>
        </message>
        <message>
            <source>Ask for a 7, get a 7 (conditional GAN)</source>
            <translation>要 7 就得 7（条件 GAN）</translation>
        </message>
        <message>
            <source>A DCGAN on real MNIST</source>
            <translation>在真实 MNIST 上训练 DCGAN</translation>
        </message>
        <message>
            <source>MNIST on demand — one row per digit</source>
            <translation>按需生成 MNIST——每个数字一行</translation>
        </message>
        <message>
            <source>Colour photos (CIFAR-10)</source>
            <translation>彩色照片（CIFAR-10）</translation>
        </message>
        <message>
            <source>A DCGAN on your own pictures, 64 px</source>
            <translation>用你自己的图片训练 DCGAN，64 px</translation>
        </message>
        <message>
            <source>EM on four blobs</source>
            <translation>在四个高斯团上运行 EM</translation>
        </message>
        <message>
            <source>EM fits the ring of 8</source>
            <translation>EM 拟合八峰环</translation>
        </message>
        <message>
            <source>An autoencoder's 2-D map of digits</source>
            <translation>自编码器眼中的二维数字地图</translation>
        </message>
        <message>
            <source>Drag through a VAE's latent space</source>
            <translation>拖动浏览 VAE 的潜空间</translation>
        </message>
        <message>
            <source>Why a VAE, not an AE</source>
            <translation>为什么用 VAE 而不是 AE</translation>
        </message>
        <message>
            <source>A convolutional VAE on real MNIST</source>
            <translation>真实 MNIST 上的卷积 VAE</translation>
        </message>
        <message>
            <source>A VAE on your own pictures, 64 px</source>
            <translation>用你自己的图片训练 VAE，64 px</translation>
        </message>
        <message>
            <source>CycleGAN paints digits orange on navy, and back</source>
            <translation>CycleGAN 把数字画成藏青底橙字，再变回来</translation>
        </message>
        <message>
            <source>CycleGAN between two folders of your pictures</source>
            <translation>在你的两个图片文件夹之间做 CycleGAN</translation>
        </message>
        <message>
            <source>CycleGAN on your two folders at 128 px</source>
            <translation>在你的两个文件夹之间做 CycleGAN，128 px</translation>
        </message>
        <message>
            <source>Type a caption, get a shape</source>
            <translation>输入一句描述，画出图形</translation>
        </message>
        <message>
            <source>Type "the digit seven", get a 7</source>
            <translation>输入“数字七”，画出一个 7</translation>
        </message>
        <message>
            <source>MNIST
downloaded on first use</source>
            <translation>MNIST
首次使用时下载</translation>
        </message>
        <message>
            <source>CIFAR-10
downloaded on first use</source>
            <translation>CIFAR-10
首次使用时下载</translation>
        </message>
        <message>
            <source>your own pictures
folders A and B</source>
            <translation>你自己的图片
文件夹 A 和 B</translation>
        </message>
        <message>
            <source>your own pictures
one folder</source>
            <translation>你自己的图片
一个文件夹</translation>
        </message>
        <message>
            <source>under a minute</source>
            <translation>不到一分钟</translation>
        </message>
        <message>
            <source>%1 on a 2-core CPU (measured)</source>
            <translation>双核 CPU 上%1（实测）</translation>
        </message>
        <message>
            <source>%1 steps</source>
            <translation>%1 步</translation>
        </message>
        <message>
            <source>about %1 min</source>
            <translation>约 %1 分钟</translation>
        </message>
        <message>
            <source>about %1 h</source>
            <translation>约 %1 小时</translation>
        </message>
    </context>
    <context>
        <name>GalleryDialog</name>
        <message>
            <source>Presets gallery</source>
            <translation>预设库</translation>
        </message>
        <message>
            <source>Pick a starting point: it loads with its settings, ready to press Start. You can change any setting afterwards.</source>
            <translation>选一个起点：它会连同设置一起载入，按“开始”即可训练。之后可以随意修改任何设置。</translation>
        </message>
        <message>
            <source>Loaded %1: press Start</source>
            <translation>已载入“%1”：请按“开始”</translation>
        </message>
        <message>
            <source>Loaded %1: press E-step, M-step or Play</source>
            <translation>已载入 %1：请按 E 步、M 步或播放</translation>
        </message>
        <message>
            <source>Stop the current run to load a preset</source>
            <translation>请先停止当前训练，再载入预设</translation>
        </message>
    </context>
    <context>
        <name>LatentExplorer</name>
        <message>
            <source>dimensions</source>
            <translation>维度</translation>
        </message>
        <message>
            <source>decode grid</source>
            <translation>解码网格</translation>
        </message>
        <message>
            <source>Re-encode</source>
            <translation>重新编码</translation>
        </message>
        <message>
            <source>Axes</source>
            <translation>坐标轴</translation>
        </message>
        <message>
            <source>Decode of the marked point</source>
            <translation>标记点的解码</translation>
        </message>
        <message>
            <source>Decodes over the visible area</source>
            <translation>可见区域的解码</translation>
        </message>
        <message>
            <source>Code (one slider per dimension)</source>
            <translation>编码（每个维度一个滑块）</translation>
        </message>
        <message>
            <source>Interpolation (Shift+click two points): A ... B</source>
            <translation>插值（Shift+单击两个点）：A … B</translation>
        </message>
    </context>
    <context>
        <name>LessonPanel</name>
        <message>
            <source>Space play/pause · → one step · R reset · 1-9 presets · F11 leave</source>
            <translation>空格 播放/暂停 · → 单步 · R 重置 · 1-9 预设 · F11 退出</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Model &amp;&amp; hyperparameters</source>
            <translation>模型与超参数</translation>
        </message>
        <message>
            <source>Losses</source>
            <translation>损失</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>训练记录</translation>
        </message>
        <message>
            <source>Device: %1</source>
            <translation>设备：%1</translation>
        </message>
        <message>
            <source>&amp;Presentation mode</source>
            <translation>演示模式(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Open checkpoint…</source>
            <translation>打开检查点(&amp;O)…</translation>
        </message>
        <message>
            <source>&amp;Save checkpoint…</source>
            <translation>保存检查点(&amp;S)…</translation>
        </message>
        <message>
            <source>Use my own &amp;data…</source>
            <translation>使用我自己的数据(&amp;D)…</translation>
        </message>
        <message>
            <source>Use a &amp;folder of pictures…</source>
            <translation>使用图片文件夹(&amp;F)…</translation>
        </message>
        <message>
            <source>Presets &amp;gallery…</source>
            <translation>预设库(&amp;G)…</translation>
        </message>
        <message>
            <source>Open &amp;run folder…</source>
            <translation>打开训练文件夹(&amp;R)…</translation>
        </message>
        <message>
            <source>Recent r&amp;uns</source>
            <translation>最近的训练(&amp;U)</translation>
        </message>
        <message>
            <source>Export samples as &amp;PNG…</source>
            <translation>将样本导出为 PNG(&amp;P)…</translation>
        </message>
        <message>
            <source>Export losses as &amp;CSV…</source>
            <translation>将损失导出为 CSV(&amp;C)…</translation>
        </message>
        <message>
            <source>E&amp;xport</source>
            <translation>导出(&amp;X)</translation>
        </message>
        <message>
            <source>Animated &amp;GIF of samples…</source>
            <translation>样本动画 GIF(&amp;G)…</translation>
        </message>
        <message>
            <source>Plots as &amp;PNG…</source>
            <translation>图表导出为 PNG(&amp;P)…</translation>
        </message>
        <message>
            <source>Plots as &amp;SVG…</source>
            <translation>图表导出为 SVG(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Model (TorchScript, ONNX)…</source>
            <translation>模型（TorchScript、ONNX）(&amp;M)…</translation>
        </message>
        <message>
            <source>&amp;Copy figure</source>
            <translation>复制图像(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;Run</source>
            <translation>训练(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Start</source>
            <translation>开始(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Pause / Resume</source>
            <translation>暂停 / 继续(&amp;P)</translation>
        </message>
        <message>
            <source>S&amp;top</source>
            <translation>停止(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <source>The language changes when the run stops.</source>
            <translation>训练停止后将切换语言。</translation>
        </message>
        <message>
            <source>%1 MB of %2 MB</source>
            <translation>%1 MB / %2 MB</translation>
        </message>
        <message>
            <source>%1 MB</source>
            <translation>%1 MB</translation>
        </message>
        <message>
            <source>Downloading the data set: %1</source>
            <translation>正在下载数据集：%1</translation>
        </message>
        <message>
            <source>download %1%</source>
            <translation>下载 %1%</translation>
        </message>
        <message>
            <source>Saved %1</source>
            <translation>已保存 %1</translation>
        </message>
        <message>
            <source>State: %1</source>
            <translation>状态：%1</translation>
        </message>
        <message>
            <source>Training diverged</source>
            <translation>训练发散</translation>
        </message>
        <message>
            <source>The run is paused. Roll back to the last good checkpoint now?</source>
            <translation>训练已暂停。现在回滚到最后一个正常的检查点吗？</translation>
        </message>
        <message>
            <source>No checkpoint to roll back to yet</source>
            <translation>还没有可回退的检查点</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Data set not available</source>
            <translation>数据集不可用</translation>
        </message>
        <message>
            <source>Choose folder…</source>
            <translation>选择文件夹…</translation>
        </message>
        <message>
            <source>Folder with the data set</source>
            <translation>数据集所在的文件夹</translation>
        </message>
        <message>
            <source>Could not train</source>
            <translation>无法训练</translation>
        </message>
        <message>
            <source>Nothing to save</source>
            <translation>没有可保存的内容</translation>
        </message>
        <message>
            <source>Start a run first: there is no checkpoint to save yet.</source>
            <translation>请先开始训练：目前还没有可保存的检查点。</translation>
        </message>
        <message>
            <source>An EM fit is stepped in its view and has no checkpoint; export its picture with Ctrl+E.</source>
            <translation>EM 拟合在其视图中逐步进行，没有检查点；可用 Ctrl+E 导出图片。</translation>
        </message>
        <message>
            <source>Save checkpoint</source>
            <translation>保存检查点</translation>
        </message>
        <message>
            <source>Checkpoints (*.pt)</source>
            <translation>检查点 (*.pt)</translation>
        </message>
        <message>
            <source>Could not save %1: %2</source>
            <translation>无法保存 %1：%2</translation>
        </message>
        <message>
            <source>Open checkpoint</source>
            <translation>打开检查点</translation>
        </message>
        <message>
            <source>Cannot open checkpoint</source>
            <translation>无法打开检查点</translation>
        </message>
        <message>
            <source>Opened %1 at step %2; press Start to continue</source>
            <translation>已打开 %1（第 %2 步）；按“开始”继续训练</translation>
        </message>
        <message>
            <source>Opened %1 at step %2; step on with E-step, M-step or Play</source>
            <translation>已打开 %1，位于第 %2 步；用 E 步、M 步或播放继续</translation>
        </message>
        <message>
            <source>Use my own data</source>
            <translation>使用我自己的数据</translation>
        </message>
        <message>
            <source>Points or images (*.npz *.csv);;All files (*)</source>
            <translation>点或图像 (*.npz *.csv);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Training data: %1 (press Start)</source>
            <translation>训练数据：%1（请按“开始”）</translation>
        </message>
        <message>
            <source>Training data: %1 (step with E-step, M-step or Play)</source>
            <translation>训练数据：%1（用 E 步、M 步或播放推进）</translation>
        </message>
        <message>
            <source>Export samples</source>
            <translation>导出样本</translation>
        </message>
        <message>
            <source>Export losses</source>
            <translation>导出损失</translation>
        </message>
    </context>
    <context>
        <name>Presentation</name>
        <message>
            <source>Lesson</source>
            <translation>讲解</translation>
        </message>
    </context>
    <context>
        <name>PresetCard</name>
        <message>
            <source>Time: %1</source>
            <translation>用时：%1</translation>
        </message>
    </context>
    <context>
        <name>RunsPanel</name>
        <message>
            <source>Precision</source>
            <translation>精确率</translation>
        </message>
        <message>
            <source>Recall</source>
            <translation>召回率</translation>
        </message>
        <message>
            <source>loading the run</source>
            <translation>正在加载运行</translation>
        </message>
        <message>
            <source>drawing samples</source>
            <translation>正在抽取样本</translation>
        </message>
        <message>
            <source>training the feature classifier</source>
            <translation>正在训练特征分类器</translation>
        </message>
        <message>
            <source>features</source>
            <translation>特征</translation>
        </message>
        <message>
            <source>distances</source>
            <translation>距离</translation>
        </message>
        <message>
            <source>FID (Inception)</source>
            <translation>FID（Inception）</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>Add folder…</source>
            <translation>添加文件夹…</translation>
        </message>
        <message>
            <source>Follow live</source>
            <translation>实时跟踪</translation>
        </message>
        <message>
            <source>Watch the selected run update while it is written (by the command line, or another machine)</source>
            <translation>在所选训练写入时实时查看其更新（由命令行或另一台机器写入）</translation>
        </message>
        <message>
            <source>Continue training</source>
            <translation>继续训练</translation>
        </message>
        <message>
            <source>Load this run's checkpoint into the window</source>
            <translation>将此训练的检查点载入窗口</translation>
        </message>
        <message>
            <source>Evaluate</source>
            <translation>评估</translation>
        </message>
        <message>
            <source>FID (when the Inception weights are here), a classifier's Fréchet distance and precision/recall of this run's samples, in the background; saved in the run folder and shown in the list</source>
            <translation>在后台计算此运行样本的 FID（如果本机有 Inception 权重）、分类器特征上的 Fréchet 距离以及精确率/召回率；结果保存在运行文件夹并显示在列表中</translation>
        </message>
        <message>
            <source>Compare</source>
            <translation>比较</translation>
        </message>
        <message>
            <source>Select several runs (Ctrl+click) to overlay their curves and step through their samples together</source>
            <translation>选择多个运行（Ctrl+单击）以叠加它们的曲线并同步浏览样本</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>Data</source>
            <translation>数据</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>步数</translation>
        </message>
        <message>
            <source>Last metrics</source>
            <translation>最新指标</translation>
        </message>
        <message>
            <source>Pick a run to see its curves and newest samples.</source>
            <translation>选择一次训练，查看它的曲线和最新样本。</translation>
        </message>
        <message>
            <source>Folder with runs</source>
            <translation>训练记录所在的文件夹</translation>
        </message>
        <message>
            <source>Stop following</source>
            <translation>停止跟踪</translation>
        </message>
        <message>
            <source>Pick a run in the list first, then Follow it.</source>
            <translation>请先在列表中选择一次训练，再跟踪它。</translation>
        </message>
        <message>
            <source>Newest sample: %1</source>
            <translation>最新样本：%1</translation>
        </message>
        <message>
            <source>%1: %2 rows, step %3</source>
            <translation>%1：%2 行，第 %3 步</translation>
        </message>
        <message>
            <source>following live</source>
            <translation>正在实时跟踪</translation>
        </message>
        <message>
            <source>following; nothing new for %1 s</source>
            <translation>跟踪中；已有 %1 秒没有新数据</translation>
        </message>
        <message>
            <source>(none yet)</source>
            <translation>（暂无）</translation>
        </message>
        <message>
            <source>Cancel evaluation</source>
            <translation>取消评估</translation>
        </message>
        <message>
            <source>Evaluation cancelled</source>
            <translation>评估已取消</translation>
        </message>
        <message>
            <source>Evaluating %1</source>
            <translation>正在评估 %1</translation>
        </message>
        <message>
            <source>%1 evaluated: %2</source>
            <translation>%1 已评估：%2</translation>
        </message>
        <message>
            <source>Could not evaluate: %1</source>
            <translation>无法评估：%1</translation>
        </message>
        <message>
            <source> (n=%1, step %2)</source>
            <translation>（n=%1，第 %2 步）</translation>
        </message>
    </context>
    <context>
        <name>SamplePanel</name>
        <message>
            <source>real</source>
            <translation>真实</translation>
        </message>
        <message>
            <source>generated</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>Press Start to train; samples appear here.</source>
            <translation>按“开始”训练；样本会显示在这里。</translation>
        </message>
        <message>
            <source>The class to draw: pick one, or type its number or name</source>
            <translation>要生成的类别：从列表中选择，或输入它的编号或名称</translation>
        </message>
        <message>
            <source>How many samples to draw</source>
            <translation>生成多少个样本</translation>
        </message>
        <message>
            <source>Generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>Label</source>
            <translation>标签</translation>
        </message>
        <message>
            <source>Generated from a fixed noise batch · step %1</source>
            <translation>由一批固定噪声生成 · 第 %1 步</translation>
        </message>
        <message>
            <source>One row per class · %1</source>
            <translation>每个类别一行 · %1</translation>
        </message>
        <message>
            <source> · diversity %1 (real = 1)</source>
            <translation> · 多样性 %1（真实数据 = 1）</translation>
        </message>
        <message>
            <source>Grey: real data · orange: generated · step %1</source>
            <translation>灰色：真实数据 · 橙色：生成数据 · 第 %1 步</translation>
        </message>
        <message>
            <source> · modes covered %1/%2 · high quality %3</source>
            <translation> · 覆盖模式 %1/%2 · 高质量 %3</translation>
        </message>
        <message>
            <source>Cannot generate: %1</source>
            <translation>无法生成：%1</translation>
        </message>
        <message>
            <source>Label %1 · step %2</source>
            <translation>标签 %1 · 第 %2 步</translation>
        </message>
    </context>
    <context>
        <name>Text2ImgPanel</name>
        <message>
            <source>Press Start: each row shows images for its caption, from the same noise; type your own caption below.</source>
            <translation>请按“开始”：每一行显示按该行描述、用同一组噪声生成的图像；也可以在下方输入你自己的描述。</translation>
        </message>
        <message>
            <source>Your caption</source>
            <translation>你的描述</translation>
        </message>
        <message>
            <source>e.g. %1 · 一个蓝色的大方块</source>
            <translation>例如：一个蓝色的大方块 · %1</translation>
        </message>
        <message>
            <source>optional: a second caption to interpolate to</source>
            <translation>可选：插值到的第二个描述</translation>
        </message>
        <message>
            <source>Generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>Draw images for the caption; they are redrawn as the model trains</source>
            <translation>按描述生成图像；模型训练时会不断重绘</translation>
        </message>
        <message>
            <source>Start training, then type a caption and press Generate.</source>
            <translation>先开始训练，再输入描述并按“生成”。</translation>
        </message>
        <message>
            <source>Type a caption first, e.g. %1</source>
            <translation>请先输入描述，例如：%1</translation>
        </message>
        <message>
            <source>Drawing…</source>
            <translation>正在生成…</translation>
        </message>
        <message>
            <source>Step %1 · the same noise in each column</source>
            <translation>第 %1 步 · 每一列使用同一组噪声</translation>
        </message>
        <message>
            <source>Cannot draw that: %1</source>
            <translation>无法生成：%1</translation>
        </message>
        <message>
            <source>“%1” → “%2”, left to right</source>
            <translation>从左到右：“%1” → “%2”</translation>
        </message>
        <message>
            <source> · unknown words ignored: %1</source>
            <translation> · 已忽略未知词：%1</translation>
        </message>
        <message>
            <source>%1 · step %2</source>
            <translation>%1 · 第 %2 步</translation>
        </message>
        <message>
            <source>Press Start first: there is no model to draw with yet.</source>
            <translation>请先按“开始”：还没有可以用来生成的模型。</translation>
        </message>
    </context>
    <context>
        <name>VAECompareView</name>
        <message>
            <source>%1 latent space</source>
            <translation>%1 潜空间</translation>
        </message>
        <message>
            <source>New random codes</source>
            <translation>新的随机编码</translation>
        </message>
        <message>
            <source>%1 decodes of the same z ~ N(0, I)</source>
            <translation>%1 对同一组 z ~ N(0, I) 的解码</translation>
        </message>
    </context>
    <context>
        <name>config</name>
        <message>
            <source>Cycle weight</source>
            <translation>循环权重</translation>
        </message>
        <message>
            <source>Identity weight</source>
            <translation>恒等权重</translation>
        </message>
        <message>
            <source>Model family.</source>
            <translation>模型类别。</translation>
        </message>
        <message>
            <source>Model</source>
            <translation>模型</translation>
        </message>
        <message>
            <source>gan</source>
            <translation>gan</translation>
        </message>
        <message>
            <source>gmm</source>
            <translation>gmm</translation>
        </message>
        <message>
            <source>ae</source>
            <translation>ae</translation>
        </message>
        <message>
            <source>vae</source>
            <translation>vae</translation>
        </message>
        <message>
            <source>ae-vs-vae</source>
            <translation>ae-vs-vae</translation>
        </message>
        <message>
            <source>cyclegan</source>
            <translation>cyclegan</translation>
        </message>
        <message>
            <source>text2img</source>
            <translation>text2img</translation>
        </message>
        <message>
            <source>Data set: a generated 2-D set, the offline 8x8 digits, MNIST, Fashion-MNIST, KMNIST, CIFAR-10, SVHN (downloaded once), or a folder of your own pictures (data.path).</source>
            <translation>数据集：生成的二维点集、离线的 8x8 手写数字、MNIST、Fashion-MNIST、KMNIST、CIFAR-10、SVHN（只需下载一次），或你自己的图片文件夹（data.path）。</translation>
        </message>
        <message>
            <source>Data set</source>
            <translation>数据集</translation>
        </message>
        <message>
            <source>ring8</source>
            <translation>八峰环 (ring8)</translation>
        </message>
        <message>
            <source>grid25</source>
            <translation>5×5 网格 (grid25)</translation>
        </message>
        <message>
            <source>moons</source>
            <translation>双月 (moons)</translation>
        </message>
        <message>
            <source>spiral</source>
            <translation>螺旋 (spiral)</translation>
        </message>
        <message>
            <source>digits</source>
            <translation>手写数字 (digits)</translation>
        </message>
        <message>
            <source>mnist</source>
            <translation>mnist</translation>
        </message>
        <message>
            <source>fashion-mnist</source>
            <translation>fashion-mnist</translation>
        </message>
        <message>
            <source>kmnist</source>
            <translation>kmnist</translation>
        </message>
        <message>
            <source>cifar10</source>
            <translation>cifar10</translation>
        </message>
        <message>
            <source>svhn</source>
            <translation>svhn</translation>
        </message>
        <message>
            <source>folder</source>
            <translation>文件夹 (folder)</translation>
        </message>
        <message>
            <source>blobs</source>
            <translation>高斯团 (blobs)</translation>
        </message>
        <message>
            <source>shapes</source>
            <translation>几何图形 (shapes)</translation>
        </message>
        <message>
            <source>digits-invert</source>
            <translation>数字反色 (digits-invert)</translation>
        </message>
        <message>
            <source>digits-colour</source>
            <translation>数字换色 (digits-colour)</translation>
        </message>
        <message>
            <source>shapes-outline</source>
            <translation>图形轮廓 (shapes-outline)</translation>
        </message>
        <message>
            <source>folder-pair</source>
            <translation>两个文件夹 (folder-pair)</translation>
        </message>
        <message>
            <source>Your own data: .npz with images (N,H,W) uint8 [and labels], .npz or .csv with 2-D points, or a folder of pictures (one sub-folder per class; for text to image, with a captions.csv or captions.jsonl). A folder holding the named set's files is read as that set.</source>
            <translation>你自己的数据：包含图像 (N,H,W) uint8 [及标签] 的 .npz，包含二维点的 .npz 或 .csv，或一个图片文件夹（每个类别一个子文件夹；文本生成图像时需附 captions.csv 或 captions.jsonl）。若文件夹中是所选数据集的文件，则按该数据集读取。</translation>
        </message>
        <message>
            <source>Own data (file/folder)</source>
            <translation>自有数据（文件/文件夹）</translation>
        </message>
        <message>
            <source>Use at most this many images (a random subset; 0 = all).</source>
            <translation>最多使用这么多张图像（随机子集；0 = 全部）。</translation>
        </message>
        <message>
            <source>Use at most (images)</source>
            <translation>最多使用（图像数）</translation>
        </message>
        <message>
            <source>How many points to generate for a 2-D set.</source>
            <translation>为二维点集生成多少个点。</translation>
        </message>
        <message>
            <source>Points</source>
            <translation>点数</translation>
        </message>
        <message>
            <source>Side of the square images the model sees (digits are upsampled). The networks grow with it: one up/down-sampling block per doubling.</source>
            <translation>模型看到的方形图像边长（数字会被放大）。网络随之变大：边长每翻一倍，增加一个上/下采样块。</translation>
        </message>
        <message>
            <source>Image size</source>
            <translation>图像尺寸</translation>
        </message>
        <message>
            <source>How a folder's pictures become squares: centre (crop the middle square, then resize) or none (resize the whole picture, which changes its proportions). Pictures are decoded once into the cache.</source>
            <translation>文件夹中的图片如何变成正方形：centre（裁出中间的正方形再缩放）或 none（缩放整张图片，会改变其比例）。图片只解码一次，存入缓存。</translation>
        </message>
        <message>
            <source>Crop</source>
            <translation>裁剪</translation>
        </message>
        <message>
            <source>centre</source>
            <translation>居中裁剪 (centre)</translation>
        </message>
        <message>
            <source>none</source>
            <translation>不裁剪 (none)</translation>
        </message>
        <message>
            <source>Mirror a random half of each batch left-right: twice the variety for photos whose left and right mean the same (not for text or digits).</source>
            <translation>把每个 batch 中随机一半的图片左右翻转：对左右含义相同的照片，多样性加倍（不适用于文字或数字）。</translation>
        </message>
        <message>
            <source>Random flip</source>
            <translation>随机翻转</translation>
        </message>
        <message>
            <source>Training steps (one step = one generator update).</source>
            <translation>训练步数（一步 = 生成器更新一次）。</translation>
        </message>
        <message>
            <source>Steps</source>
            <translation>步数</translation>
        </message>
        <message>
            <source>Examples per step.</source>
            <translation>每步使用的样本数。</translation>
        </message>
        <message>
            <source>Batch size</source>
            <translation>批大小</translation>
        </message>
        <message>
            <source>Random seed: the same seed gives the same run.</source>
            <translation>随机种子：相同的种子得到相同的训练过程。</translation>
        </message>
        <message>
            <source>Seed</source>
            <translation>随机种子</translation>
        </message>
        <message>
            <source>Where to train: auto picks cuda, then mps, then cpu.</source>
            <translation>在哪里训练：auto 依次选择 cuda、mps、cpu。</translation>
        </message>
        <message>
            <source>Device</source>
            <translation>设备</translation>
        </message>
        <message>
            <source>auto</source>
            <translation>自动 (auto)</translation>
        </message>
        <message>
            <source>cpu</source>
            <translation>cpu</translation>
        </message>
        <message>
            <source>cuda</source>
            <translation>cuda</translation>
        </message>
        <message>
            <source>mps</source>
            <translation>mps</translation>
        </message>
        <message>
            <source>Arithmetic: fp32, or bf16 mixed precision (matrix products and convolutions in bfloat16; needs a recent GPU or the CPU). bf16 saves memory; the studio's models are too small to run faster with it.</source>
            <translation>运算精度：fp32，或 bf16 混合精度（矩阵乘法和卷积用 bfloat16 计算；需要较新的 GPU 或 CPU）。bf16 省显存；工作室里的模型太小，用它并不会更快。</translation>
        </message>
        <message>
            <source>Precision</source>
            <translation>精度</translation>
        </message>
        <message>
            <source>fp32</source>
            <translation>fp32</translation>
        </message>
        <message>
            <source>bf16</source>
            <translation>bf16</translation>
        </message>
        <message>
            <source>Compile the networks with torch.compile: the first steps wait for the compiler (tens of seconds), later ones may run faster. Needs a C++ compiler on the CPU. If compiled steps fail, the run goes on uncompiled and says so.</source>
            <translation>用 torch.compile 编译网络：最初几步要等编译器（几十秒），之后可能更快。在 CPU 上需要 C++ 编译器。若编译后的步骤出错，训练会改用未编译的网络继续，并给出提示。</translation>
        </message>
        <message>
            <source>Compile (torch.compile)</source>
            <translation>编译（torch.compile）</translation>
        </message>
        <message>
            <source>Redraw samples every N steps.</source>
            <translation>每 N 步重绘一次样本。</translation>
        </message>
        <message>
            <source>Preview every</source>
            <translation>预览间隔</translation>
        </message>
        <message>
            <source>Write checkpoint.pt every N steps.</source>
            <translation>每 N 步写入一次 checkpoint.pt。</translation>
        </message>
        <message>
            <source>Checkpoint every</source>
            <translation>检查点间隔</translation>
        </message>
        <message>
            <source>Also write checkpoint.pt at least this often while training (minutes), so a crash loses little.</source>
            <translation>训练时至少每隔这么久（分钟）也写入一次 checkpoint.pt，即使崩溃也损失不多。</translation>
        </message>
        <message>
            <source>Autosave (minutes)</source>
            <translation>自动保存（分钟）</translation>
        </message>
        <message>
            <source>Size of the noise vector z the generator starts from.</source>
            <translation>生成器输入的噪声向量 z 的维数。</translation>
        </message>
        <message>
            <source>Latent dim</source>
            <translation>潜变量维数</translation>
        </message>
        <message>
            <source>Width of each hidden layer of G and D.</source>
            <translation>G 和 D 每个隐藏层的宽度。</translation>
        </message>
        <message>
            <source>Hidden width</source>
            <translation>隐藏层宽度</translation>
        </message>
        <message>
            <source>Hidden layers in G and in D.</source>
            <translation>G 和 D 各自的隐藏层数。</translation>
        </message>
        <message>
            <source>Hidden layers</source>
            <translation>隐藏层数</translation>
        </message>
        <message>
            <source>Generator learning rate (Adam). Typical 1e-4 to 1e-3.</source>
            <translation>生成器学习率（Adam），通常为 1e-4 到 1e-3。</translation>
        </message>
        <message>
            <source>Learning rate G</source>
            <translation>学习率 G</translation>
        </message>
        <message>
            <source>Discriminator learning rate (Adam). Typical 1e-4 to 1e-3.</source>
            <translation>判别器学习率（Adam），通常为 1e-4 到 1e-3。</translation>
        </message>
        <message>
            <source>Learning rate D</source>
            <translation>学习率 D</translation>
        </message>
        <message>
            <source>Adam beta1 (momentum); GANs like 0.5 or lower.</source>
            <translation>Adam beta1（动量）；GAN 通常取 0.5 或更低。</translation>
        </message>
        <message>
            <source>Adam beta1</source>
            <translation>Adam β1（一阶矩衰减）</translation>
        </message>
        <message>
            <source>Adam beta2.</source>
            <translation>Adam beta2。</translation>
        </message>
        <message>
            <source>Adam beta2</source>
            <translation>Adam β2（二阶矩衰减）</translation>
        </message>
        <message>
            <source>Discriminator updates per generator update.</source>
            <translation>生成器每更新一次，判别器更新的次数。</translation>
        </message>
        <message>
            <source>D steps per G step</source>
            <translation>每步 G 对应的 D 步数</translation>
        </message>
        <message>
            <source>When both learning rates start to fall, as a fraction of the run: from there they decrease linearly to zero at the last step, which sharpens the final samples. 1 = never.</source>
            <translation>两个学习率开始下降的时刻，以整个训练的比例表示：从这里起线性降到最后一步的零，使最终的样本更清晰。1 = 从不下降。</translation>
        </message>
        <message>
            <source>Learning rates fall from</source>
            <translation>学习率开始下降于</translation>
        </message>
        <message>
            <source>Network type: mlp (fully connected) or dcgan (transposed convolutions in G, strided convolutions in D; images only).</source>
            <translation>网络类型：mlp（全连接）或 dcgan（G 用转置卷积，D 用步长卷积；仅适用于图像）。</translation>
        </message>
        <message>
            <source>Architecture</source>
            <translation>网络结构</translation>
        </message>
        <message>
            <source>mlp</source>
            <translation>mlp</translation>
        </message>
        <message>
            <source>dcgan</source>
            <translation>dcgan</translation>
        </message>
        <message>
            <source>DCGAN base width: channels of G's last and D's first conv layer (doubled each layer).</source>
            <translation>DCGAN 基础宽度：G 最后一个卷积层和 D 第一个卷积层的通道数（逐层加倍）。</translation>
        </message>
        <message>
            <source>Conv width (DCGAN)</source>
            <translation>卷积宽度（DCGAN）</translation>
        </message>
        <message>
            <source>DCGAN: extra 3x3 convolution layers at each resolution of G and D (0 = the paper's one layer per scale; 1 draws cleaner strokes for about 1.5x the time).</source>
            <translation>DCGAN：G 和 D 在每个分辨率上额外的 3x3 卷积层（0 = 论文中每个尺度一层；1 画出的笔画更干净，用时约 1.5 倍）。</translation>
        </message>
        <message>
            <source>Layers per scale</source>
            <translation>每个尺度的层数</translation>
        </message>
        <message>
            <source>Conditional GAN: the class label joins G's noise and D's input, so you can ask for a class (needs labelled data).</source>
            <translation>条件 GAN：类别标签与 G 的噪声和 D 的输入拼接，因此可以指定要生成的类别（需要带标签的数据）。</translation>
        </message>
        <message>
            <source>Conditional (label)</source>
            <translation>条件（标签）</translation>
        </message>
        <message>
            <source>How the label is given: 0 = one-hot vector; &gt;0 = a learned embedding of this size.</source>
            <translation>标签的输入方式：0 = one-hot 向量；&gt;0 = 这么大的可学习嵌入。</translation>
        </message>
        <message>
            <source>Label embedding (0 = one-hot)</source>
            <translation>标签嵌入（0 = one-hot）</translation>
        </message>
        <message>
            <source>Conditional DCGAN: weight of an auxiliary classifier in D that names each image's class, which G is trained to satisfy (AC-GAN): samples follow the asked label more closely (0 = off; 1 typical).</source>
            <translation>条件 DCGAN：D 中辅助分类器的权重，它说出每张图像的类别，G 被训练去满足它（AC-GAN）：样本更贴合所要的标签（0 = 关闭；常用 1）。</translation>
        </message>
        <message>
            <source>Class loss (AC-GAN)</source>
            <translation>类别损失（AC-GAN）</translation>
        </message>
        <message>
            <source>GAN loss: bce (classic, non-saturating), lsgan (least squares, smoother gradients), hinge (used by SNGAN/BigGAN), wgan (needs gp_weight &gt; 0).</source>
            <translation>GAN 损失：bce（经典的非饱和形式）、lsgan（最小二乘，梯度更平滑）、hinge（SNGAN/BigGAN 使用）、wgan（需要 gp_weight &gt; 0）。</translation>
        </message>
        <message>
            <source>Loss</source>
            <translation>损失函数</translation>
        </message>
        <message>
            <source>bce</source>
            <translation>bce</translation>
        </message>
        <message>
            <source>lsgan</source>
            <translation>lsgan</translation>
        </message>
        <message>
            <source>hinge</source>
            <translation>hinge</translation>
        </message>
        <message>
            <source>wgan</source>
            <translation>wgan</translation>
        </message>
        <message>
            <source>One-sided label smoothing: D aims for 1 - s on real images instead of 1, so it grows less over-confident (bce and lsgan only). Typical 0.1.</source>
            <translation>单边标签平滑：D 对真实图像的目标是 1 - s 而不是 1，从而不那么过度自信（仅 bce 和 lsgan）。通常取 0.1。</translation>
        </message>
        <message>
            <source>Label smoothing</source>
            <translation>标签平滑</translation>
        </message>
        <message>
            <source>Instance noise: std of Gaussian noise added to D's real and fake inputs at the start, annealed to 0; makes D's task harder early on (0 = off).</source>
            <translation>实例噪声：训练开始时加到 D 的真实和生成输入上的高斯噪声标准差，逐渐退火到 0；让 D 在早期的任务更难（0 = 关闭）。</translation>
        </message>
        <message>
            <source>Instance noise</source>
            <translation>实例噪声</translation>
        </message>
        <message>
            <source>Steps over which the instance noise fades linearly to zero.</source>
            <translation>实例噪声线性衰减到零所用的步数。</translation>
        </message>
        <message>
            <source>Noise fade steps</source>
            <translation>噪声衰减步数</translation>
        </message>
        <message>
            <source>R1 penalty weight: penalises D's gradient on real data, keeping D smooth (0 = off; typical 0.1 for 28-32 px, up to 10 for larger images).</source>
            <translation>R1 惩罚权重：惩罚 D 在真实数据上的梯度，使 D 保持平滑（0 = 关闭；28-32 px 通常取 0.1，更大的图像可到 10）。</translation>
        </message>
        <message>
            <source>R1 penalty</source>
            <translation>R1 惩罚</translation>
        </message>
        <message>
            <source>WGAN-GP gradient penalty weight: pushes D's gradient norm towards 1 between real and fake (0 = off; typical 10 with the wgan loss). Set before Start: D drops batch norm.</source>
            <translation>WGAN-GP 梯度惩罚权重：使 D 在真实与生成样本之间的梯度范数趋近 1（0 = 关闭；配合 wgan 损失通常取 10）。请在开始前设置：D 会去掉 batch norm。</translation>
        </message>
        <message>
            <source>Gradient penalty</source>
            <translation>梯度惩罚</translation>
        </message>
        <message>
            <source>PacGAN packing: D judges groups of this many samples at once, so it can spot a generator that makes the same thing twice (1 = off; 2-4 fights mode collapse).</source>
            <translation>PacGAN 打包：D 每次评判这么多个样本组成的一组，从而能发现重复生成同一样东西的生成器（1 = 关闭；2-4 可对抗模式崩溃）。</translation>
        </message>
        <message>
            <source>Packing (PacGAN)</source>
            <translation>打包（PacGAN）</translation>
        </message>
        <message>
            <source>Spectral normalisation on D's layers: bounds how fast D can change (SNGAN); replaces batch norm in D.</source>
            <translation>对 D 的各层做谱归一化：限制 D 的变化速度（SNGAN）；替代 D 中的 batch norm。</translation>
        </message>
        <message>
            <source>Spectral norm (D)</source>
            <translation>谱归一化（D）</translation>
        </message>
        <message>
            <source>Minibatch standard deviation feature in D: lets D see how varied a batch is, which discourages mode collapse (ProGAN).</source>
            <translation>D 中的小批量标准差特征：让 D 看到一个 batch 的多样性，从而抑制模式崩溃（ProGAN）。</translation>
        </message>
        <message>
            <source>Minibatch std (D)</source>
            <translation>小批量标准差（D）</translation>
        </message>
        <message>
            <source>Samples come from an exponential moving average of G's weights with this decay (0 = off; 0.999 typical): steadier, cleaner pictures than the last step's G. Set before Start.</source>
            <translation>样本来自 G 权重的指数滑动平均，衰减率为此值（0 = 关闭；常用 0.999）：比最后一步的 G 画得更稳、更干净。开始前设置。</translation>
        </message>
        <message>
            <source>Weight average (EMA)</source>
            <translation>权重滑动平均（EMA）</translation>
        </message>
        <message>
            <source>Samples and previews draw their noise z from N(0, t²) with this t (training always uses 1): below 1, fewer odd samples and less variety (the truncation trick); 1 = as trained.</source>
            <translation>样本和预览的噪声 z 取自 N(0, t²)，t 为此值（训练时总是 1）：小于 1 时，怪样本更少，多样性也更低（截断技巧）；1 = 与训练相同。</translation>
        </message>
        <message>
            <source>Sample truncation</source>
            <translation>采样截断</translation>
        </message>
        <message>
            <source>Your own networks: a Python file that defines generator(...) and discriminator(...) (see the README). Empty = the studio's own networks, sized by the fields above.</source>
            <translation>你自己的网络：一个定义 generator(...) 和 discriminator(...) 的 Python 文件（见 README）。留空 = 使用工作室自带的网络，大小由上面的字段决定。</translation>
        </message>
        <message>
            <source>Model file (.py)</source>
            <translation>模型文件 (.py)</translation>
        </message>
        <message>
            <source>Number of Gaussian components K (an init file sets its own K).</source>
            <translation>高斯分量个数 K（初值文件会自带 K）。</translation>
        </message>
        <message>
            <source>Components K</source>
            <translation>分量数 K</translation>
        </message>
        <message>
            <source>Shape of each covariance: full, tied (one shared), diag (axis-aligned) or spherical (round).</source>
            <translation>每个协方差的形状：full（完整）、tied（共享一个）、diag（与坐标轴对齐）或 spherical（圆形）。</translation>
        </message>
        <message>
            <source>Covariance</source>
            <translation>协方差</translation>
        </message>
        <message>
            <source>full</source>
            <translation>完整 (full)</translation>
        </message>
        <message>
            <source>tied</source>
            <translation>共享 (tied)</translation>
        </message>
        <message>
            <source>diag</source>
            <translation>对角 (diag)</translation>
        </message>
        <message>
            <source>spherical</source>
            <translation>球形 (spherical)</translation>
        </message>
        <message>
            <source>Added to each covariance diagonal so it stays invertible (as scikit-learn).</source>
            <translation>加到每个协方差的对角线上，保证其可逆（与 scikit-learn 相同）。</translation>
        </message>
        <message>
            <source>reg_covar</source>
            <translation>协方差正则（reg_covar）</translation>
        </message>
        <message>
            <source>Stop when the mean log-likelihood changes by less than this.</source>
            <translation>平均对数似然的变化小于此值时停止。</translation>
        </message>
        <message>
            <source>Tolerance</source>
            <translation>收敛阈值</translation>
        </message>
        <message>
            <source>Starting parameters: k-means++ seeds, random responsibilities, or means at random data points.</source>
            <translation>初始参数：k-means++ 种子、随机责任度，或以随机数据点作为均值。</translation>
        </message>
        <message>
            <source>Initialisation</source>
            <translation>初始化</translation>
        </message>
        <message>
            <source>kmeans++</source>
            <translation>kmeans++</translation>
        </message>
        <message>
            <source>random</source>
            <translation>随机 (random)</translation>
        </message>
        <message>
            <source>random_from_data</source>
            <translation>随机数据点 (random_from_data)</translation>
        </message>
        <message>
            <source>A .npz with weights (K,), means (K,d), covariances (K,d,d) to start from. Overrides gmm.init and gmm.k.</source>
            <translation>作为起点的 .npz 文件，包含 weights (K,)、means (K,d)、covariances (K,d,d)。会覆盖 gmm.init 和 gmm.k。</translation>
        </message>
        <message>
            <source>Start from file</source>
            <translation>从文件开始</translation>
        </message>
        <message>
            <source>Components of the true mixture that data.name=blobs draws from.</source>
            <translation>data.name=blobs 所采样的真实混合的分量数。</translation>
        </message>
        <message>
            <source>True components</source>
            <translation>真实分量数</translation>
        </message>
        <message>
            <source>Dimension of the points data.name=blobs draws (1 or 2).</source>
            <translation>data.name=blobs 生成的点的维数（1 或 2）。</translation>
        </message>
        <message>
            <source>Dimensions</source>
            <translation>维数</translation>
        </message>
        <message>
            <source>Size of the latent code z (2 lets the explorer show it directly).</source>
            <translation>潜编码 z 的维数（取 2 时浏览器可以直接显示）。</translation>
        </message>
        <message>
            <source>Encoder/decoder: fully connected (mlp) or convolutional (conv).</source>
            <translation>编码器/解码器：全连接（mlp）或卷积（conv）。</translation>
        </message>
        <message>
            <source>conv</source>
            <translation>conv</translation>
        </message>
        <message>
            <source>Width of the hidden layers (mlp) or of the dense layer (conv).</source>
            <translation>隐藏层（mlp）或全连接层（conv）的宽度。</translation>
        </message>
        <message>
            <source>Channels of the first conv layer (conv only; doubled after).</source>
            <translation>第一个卷积层的通道数（仅 conv；之后逐层加倍）。</translation>
        </message>
        <message>
            <source>Conv channels</source>
            <translation>卷积通道数</translation>
        </message>
        <message>
            <source>Reconstruction loss, summed over pixels: bce (pixels as probabilities) or mse.</source>
            <translation>重建损失，对所有像素求和：bce（把像素看作概率）或 mse。</translation>
        </message>
        <message>
            <source>Reconstruction</source>
            <translation>重建损失</translation>
        </message>
        <message>
            <source>mse</source>
            <translation>mse</translation>
        </message>
        <message>
            <source>Weight of the KL term (VAE). 0 gives an autoencoder; &gt;1 a smoother, blurrier beta-VAE.</source>
            <translation>KL 项的权重（VAE）。0 即为自编码器；&gt;1 得到更平滑、更模糊的 beta-VAE。</translation>
        </message>
        <message>
            <source>Beta (KL weight)</source>
            <translation>β（KL 权重）</translation>
        </message>
        <message>
            <source>Steps over which beta ramps up from 0 (avoids early posterior collapse).</source>
            <translation>beta 从 0 逐渐升高所用的步数（避免早期的后验坍缩）。</translation>
        </message>
        <message>
            <source>Beta warm-up steps</source>
            <translation>β 预热步数</translation>
        </message>
        <message>
            <source>Smallest log-variance the encoder can output (keeps the posterior from collapsing to a point).</source>
            <translation>编码器可输出的最小对数方差（防止后验坍缩成一个点）。</translation>
        </message>
        <message>
            <source>Log-variance floor</source>
            <translation>对数方差下限</translation>
        </message>
        <message>
            <source>Where `main.py sample` and `evaluate` take their codes: prior draws z ~ N(0, I), which a long run makes work; codes draws from a mixture of 10 Gaussians fitted by EM to the codes of the training images (two-stage VAE), which decodes to clean pictures after a short run too. The previews and a conditional model use the prior.</source>
            <translation>`main.py sample` 和 `evaluate` 从哪里取编码：prior 从 z ~ N(0, I) 抽取，需要训练足够久才好用；codes 从用 EM 拟合到训练图像编码上的 10 个高斯的混合中抽取（两阶段 VAE），训练不久也能解码出清晰的图像。预览和条件模型使用先验。</translation>
        </message>
        <message>
            <source>Sample codes from</source>
            <translation>采样编码来自</translation>
        </message>
        <message>
            <source>prior</source>
            <translation>先验</translation>
        </message>
        <message>
            <source>codes</source>
            <translation>编码</translation>
        </message>
        <message>
            <source>Conditional VAE: the label joins encoder and decoder inputs (needs labelled data).</source>
            <translation>条件 VAE：标签加入编码器和解码器的输入（需要带标签的数据）。</translation>
        </message>
        <message>
            <source>Learning rate (Adam).</source>
            <translation>学习率（Adam）。</translation>
        </message>
        <message>
            <source>Learning rate</source>
            <translation>学习率</translation>
        </message>
        <message>
            <source>Your own networks: a Python file that defines encoder(...) and decoder(...) (see the README). Empty = the studio's own networks, sized by the fields above.</source>
            <translation>你自己的网络：一个定义 encoder(...) 和 decoder(...) 的 Python 文件（见 README）。留空 = 使用工作室自带的网络，大小由上面的字段决定。</translation>
        </message>
        <message>
            <source>Channels of each generator's first layer (doubled by each of its downsamplings).</source>
            <translation>每个生成器第一层的通道数（每次下采样后翻倍）。</translation>
        </message>
        <message>
            <source>Generator width</source>
            <translation>生成器宽度</translation>
        </message>
        <message>
            <source>Residual blocks in each generator (the paper uses 6 to 9 for 256 px photos).</source>
            <translation>每个生成器中的残差块数（论文对 256 px 照片用 6 到 9 个）。</translation>
        </message>
        <message>
            <source>Residual blocks</source>
            <translation>残差块数</translation>
        </message>
        <message>
            <source>Stride-2 downsamplings in each generator before its residual blocks (the paper's 2; fewer keep small images' strokes: at 16 px, 2 squeeze them through 4x4).</source>
            <translation>每个生成器在残差块之前的步长 2 下采样次数（论文用 2；更少可保留小图像的笔画：16 像素时，2 次会把图像压到 4x4）。</translation>
        </message>
        <message>
            <source>Generator downsamplings</source>
            <translation>生成器下采样次数</translation>
        </message>
        <message>
            <source>Normalisation in each generator: instance (the paper's) or none (each pixel's colour then does not hang on the whole picture's statistics, so unseen pictures keep their colours).</source>
            <translation>每个生成器的归一化：instance（论文的实例归一化）或 none（不归一化：每个像素的颜色不再依赖整张图的统计量，没见过的图片也能保持颜色）。</translation>
        </message>
        <message>
            <source>Generator normalisation</source>
            <translation>生成器归一化</translation>
        </message>
        <message>
            <source>instance</source>
            <translation>实例归一化</translation>
        </message>
        <message>
            <source>Channels of each PatchGAN discriminator's first layer.</source>
            <translation>每个 PatchGAN 判别器第一层的通道数。</translation>
        </message>
        <message>
            <source>Discriminator width</source>
            <translation>判别器宽度</translation>
        </message>
        <message>
            <source>Stride-2 layers in each discriminator: more = larger patches (3 is the paper's 70x70 PatchGAN).</source>
            <translation>每个判别器中步长为 2 的层数：越多，块越大（3 即论文中的 70x70 PatchGAN）。</translation>
        </message>
        <message>
            <source>D layers (patch size)</source>
            <translation>D 层数（块大小）</translation>
        </message>
        <message>
            <source>Weight of the cycle loss |F(G(a)) - a| + |G(F(b)) - b|: how strongly a translation must keep the content.</source>
            <translation>循环损失 |F(G(a)) - a| + |G(F(b)) - b| 的权重：翻译在多大程度上必须保留内容。</translation>
        </message>
        <message>
            <source>Weight of the identity loss |G(b) - b| + |F(a) - a|, as a fraction of the cycle weight (keeps colours; 0 = off).</source>
            <translation>恒等损失 |G(b) - b| + |F(a) - a| 的权重，以循环权重的比例表示（保持颜色；0 = 关闭）。</translation>
        </message>
        <message>
            <source>Learning rate (Adam) of all four networks.</source>
            <translation>四个网络共同的学习率（Adam）。</translation>
        </message>
        <message>
            <source>Adam beta1.</source>
            <translation>Adam beta1。</translation>
        </message>
        <message>
            <source>When the learning rate starts to fall, as a fraction of the run: from there it decreases linearly to zero at the last step, as in the paper (0.5). 1 = never.</source>
            <translation>学习率开始下降的时间点，占整个训练的比例：从这里起线性降到最后一步的零，与论文相同（0.5）。1 = 从不下降。</translation>
        </message>
        <message>
            <source>Learning rate falls from</source>
            <translation>学习率下降起点</translation>
        </message>
        <message>
            <source>Past fakes each discriminator is shown again (image pool); 0 = only the newest.</source>
            <translation>每个判别器重复看到的历史生成图像数（图像池）；0 = 只看最新的。</translation>
        </message>
        <message>
            <source>Image pool size</source>
            <translation>图像池大小</translation>
        </message>
        <message>
            <source>Size of the noise vector z that varies images of one caption.</source>
            <translation>噪声向量 z 的维数，用于让同一描述生成不同的图像。</translation>
        </message>
        <message>
            <source>Noise dim</source>
            <translation>噪声维数</translation>
        </message>
        <message>
            <source>DCGAN base width of G and D.</source>
            <translation>G 和 D 的 DCGAN 基础宽度。</translation>
        </message>
        <message>
            <source>Conv width</source>
            <translation>卷积宽度</translation>
        </message>
        <message>
            <source>Size of each word's learned embedding.</source>
            <translation>每个词的可学习嵌入的维数。</translation>
        </message>
        <message>
            <source>Word embedding</source>
            <translation>词嵌入</translation>
        </message>
        <message>
            <source>Size of the caption embedding (a two-way GRU over the words, pooled by attention).</source>
            <translation>描述嵌入的维数（在词序列上运行的双向 GRU，再按注意力汇总各词）。</translation>
        </message>
        <message>
            <source>Caption embedding</source>
            <translation>描述嵌入</translation>
        </message>
        <message>
            <source>The caption embedding is compressed to this size before it joins G's noise and D's features.</source>
            <translation>描述嵌入在与 G 的噪声和 D 的特征拼接之前被压缩到这个维数。</translation>
        </message>
        <message>
            <source>Caption to G/D</source>
            <translation>送入 G/D 的描述维数</translation>
        </message>
        <message>
            <source>Generator learning rate (Adam).</source>
            <translation>生成器学习率（Adam）。</translation>
        </message>
        <message>
            <source>Discriminator and text encoder learning rate (Adam).</source>
            <translation>判别器和文本编码器的学习率（Adam）。</translation>
        </message>
        <message>
            <source>Learning rate D + text</source>
            <translation>学习率 D + 文本</translation>
        </message>
        <message>
            <source>Weight of the contrastive image-caption matching loss (each picture must fit its own caption better than the batch's others); 0 = plain GAN-CLS.</source>
            <translation>图像-描述对比匹配损失的权重（每张图都必须比 batch 中其他描述更符合自己的描述）；0 = 普通 GAN-CLS。</translation>
        </message>
        <message>
            <source>Matching loss weight</source>
            <translation>匹配损失权重</translation>
        </message>
        <message>
            <source>Share of training captions reworded on the fly: unknown and filler words put in, words dropped, neighbours swapped, so captions as people type them still work; 0 = the data's wording only.</source>
            <translation>训练时即时改写的描述所占比例：插入未知词和填充词、丢弃个别词、交换相邻词，使人们随手输入的描述也能画对；0 = 只用数据本身的措辞。</translation>
        </message>
        <message>
            <source>Caption rewording</source>
            <translation>描述改写</translation>
        </message>
        <message>
            <source>Weight of the mode-seeking term (MSGAN): two noises with one caption must give different pictures, so what the caption leaves open (size, place) varies; 0 = off.</source>
            <translation>寻模项（MSGAN）的权重：同一描述配两个不同噪声须画出不同的图，使描述未指定的部分（大小、位置）有变化；0 = 关闭。</translation>
        </message>
        <message>
            <source>Diversity weight</source>
            <translation>多样性权重</translation>
        </message>
    </context>
    <context>
        <name>em</name>
        <message>
            <source>%1 component(s) collapsed (singular covariance) and were re-seeded at the worst-explained points</source>
            <translation>有 %1 个分量塌缩（协方差奇异），已在解释得最差的点处重新播种</translation>
        </message>
        <message>
            <source>Some starting covariances were singular and were replaced.</source>
            <translation>部分初始协方差是奇异的，已被替换。</translation>
        </message>
        <message>
            <source>Moved the mean of component %1 to %2.</source>
            <translation>已将分量 %1 的均值移到 %2。</translation>
        </message>
        <message>
            <source>%1 points, new start (%2).</source>
            <translation>%1 个点，重新初始化（%2）。</translation>
        </message>
        <message>
            <source>Initial parameters (%1).</source>
            <translation>初始参数（%1）。</translation>
        </message>
        <message>
            <source>Converged: |Δℓ| &lt; tol = %1</source>
            <translation>已收敛：|Δℓ| &lt; tol = %1</translation>
        </message>
        <message>
            <source>best of %1 starts</source>
            <translation>%1 次起点取最优</translation>
        </message>
        <message>
            <source>Mean log-likelihood ℓ</source>
            <translation>平均对数似然 ℓ</translation>
        </message>
        <message>
            <source>For x_1 = %1: r_1 = %2.</source>
            <translation>对 x_1 = %1：r_1 = %2。</translation>
        </message>
        <message>
            <source>Parameters from %1.</source>
            <translation>参数来自 %1。</translation>
        </message>
        <message>
            <source>Given parameters.</source>
            <translation>给定的参数。</translation>
        </message>
        <message>
            <source>first iteration</source>
            <translation>第一次迭代</translation>
        </message>
        <message>
            <source>Press E-step.</source>
            <translation>请按“E 步”。</translation>
        </message>
        <message>
            <source>%1 points.</source>
            <translation>%1 个点。</translation>
        </message>
        <message>
            <source>M-step %1:</source>
            <translation>第 %1 次 M 步：</translation>
        </message>
        <message>
            <source>E-step:</source>
            <translation>E 步：</translation>
        </message>
    </context>
    <context>
        <name>reasons</name>
        <message>
            <source>the wgan loss needs a gradient penalty (try 10) or spectral norm</source>
            <translation>wgan 损失需要梯度惩罚（可试 10）或谱归一化</translation>
        </message>
        <message>
            <source>larger than the data set (%1 points)</source>
            <translation>大于数据集（%1 个点）</translation>
        </message>
        <message>
            <source>expected a number, got %1</source>
            <translation>应为数字，实际为 %1</translation>
        </message>
        <message>
            <source>expected %1, got %2</source>
            <translation>应为 %1，实际为 %2</translation>
        </message>
        <message>
            <source>must be a finite number</source>
            <translation>必须是有限的数</translation>
        </message>
        <message>
            <source>must be one of %1</source>
            <translation>必须是以下之一：%1</translation>
        </message>
        <message>
            <source>must be at least %1</source>
            <translation>不能小于 %1</translation>
        </message>
        <message>
            <source>must be at most %1</source>
            <translation>不能大于 %1</translation>
        </message>
        <message>
            <source>unknown setting</source>
            <translation>未知的设置项</translation>
        </message>
    </context>
    <context>
        <name>presets</name>
        <message>
            <source>A GAN learns a ring of 8 tight Gaussians (2-D).</source>
            <translation>GAN 学习由 8 个紧密高斯组成的圆环（二维）。</translation>
        </message>
        <message>
            <source>A GAN learns a 5x5 grid of Gaussians (2-D, harder: 25 modes).</source>
            <translation>GAN 学习 5x5 的高斯网格（二维，更难：25 个模式）。</translation>
        </message>
        <message>
            <source>An MLP GAN draws handwritten digits (scikit-learn's, offline).</source>
            <translation>MLP GAN 画手写数字（scikit-learn 自带，离线）。</translation>
        </message>
        <message>
            <source>A DCGAN (transposed convolutions) draws digits at 28x28 from scikit-learn's 8x8 digits (offline).</source>
            <translation>DCGAN（转置卷积）由 scikit-learn 的 8x8 数字学习画 28x28 的数字（离线）。</translation>
        </message>
        <message>
            <source>A conditional DCGAN: ask for a digit and it draws that digit (offline digits, one row per class).</source>
            <translation>条件 DCGAN：指定一个数字，它就画出那个数字（离线数字，每个类别一行）。</translation>
        </message>
        <message>
            <source>A DCGAN on MNIST (downloaded once, 11 MB).</source>
            <translation>在 MNIST 上训练的 DCGAN（只需下载一次，11 MB）。</translation>
        </message>
        <message>
            <source>A conditional DCGAN on MNIST: one row per digit (downloaded once).</source>
            <translation>在 MNIST 上训练的条件 DCGAN：每个数字一行（只需下载一次）。</translation>
        </message>
        <message>
            <source>A DCGAN on CIFAR-10 colour photos at 32x32 (downloaded once, 170 MB; wants a GPU).</source>
            <translation>在 32x32 的 CIFAR-10 彩色照片上训练的 DCGAN（只需下载一次，170 MB；建议使用 GPU）。</translation>
        </message>
        <message>
            <source>A DCGAN on a folder of your own pictures at 64x64 (set data.path; decoded once into the cache; wants a GPU).</source>
            <translation>在你自己的图片文件夹上以 64x64 训练 DCGAN（设置 data.path；只解码一次并存入缓存；建议使用 GPU）。</translation>
        </message>
        <message>
            <source>EM fits 4 Gaussians to points drawn from a known mixture (2-D).</source>
            <translation>EM 用 4 个高斯拟合从已知混合中采样的点（二维）。</translation>
        </message>
        <message>
            <source>EM fits 8 round Gaussians to the ring of 8 (2-D).</source>
            <translation>EM 用 8 个圆形高斯拟合八峰环（二维）。</translation>
        </message>
        <message>
            <source>An autoencoder with a 2-D code on the offline digits: explore its latent space (random codes decode poorly).</source>
            <translation>在离线数字上训练的二维编码自编码器：探索它的潜空间（随机编码解码效果差）。</translation>
        </message>
        <message>
            <source>A VAE with a 2-D latent on the offline digits: drag in the explorer to decode any point.</source>
            <translation>在离线数字上训练的二维潜变量 VAE：在浏览器中拖动即可解码任意点。</translation>
        </message>
        <message>
            <source>An AE and a VAE of the same architecture trained side by side on the digits; the same random codes decoded by both.</source>
            <translation>结构相同的 AE 和 VAE 在数字上并排训练；用两者解码同一组随机编码。</translation>
        </message>
        <message>
            <source>A convolutional VAE on MNIST with a 16-D latent (downloaded once).</source>
            <translation>在 MNIST 上训练的卷积 VAE，16 维潜变量（只需下载一次）。</translation>
        </message>
        <message>
            <source>A convolutional VAE on a folder of your own pictures at 64x64 with a 64-D latent (set data.path; decoded once into the cache).</source>
            <translation>在你自己的图片文件夹上以 64x64 训练卷积 VAE，64 维潜变量（设置 data.path；只解码一次并存入缓存）。</translation>
        </message>
        <message>
            <source>CycleGAN translates white-on-black digits to orange-on-navy and back without paired examples; each digit keeps its shape (offline, 16 px).</source>
            <translation>CycleGAN 在没有配对样本的情况下，把黑底白字的数字翻译成藏青底橙字，再翻译回来；每个数字保持原有形状（离线，16 px）。</translation>
        </message>
        <message>
            <source>CycleGAN between two folders of your own pictures: set data.path to a folder holding sub-folders A and B (unpaired, 32 px).</source>
            <translation>在你自己的两个图片文件夹之间做 CycleGAN：把 data.path 设为包含子文件夹 A 和 B 的文件夹（无需配对，32 px）。</translation>
        </message>
        <message>
            <source>CycleGAN between two folders of your own pictures at 128x128, as in the paper: a ResNet-6 generator and the 70x70 PatchGAN (set data.path to a folder holding A and B; wants a GPU).</source>
            <translation>在你自己的两个图片文件夹之间以 128x128 做 CycleGAN，与论文相同：ResNet-6 生成器和 70x70 PatchGAN（把 data.path 设为包含 A 和 B 的文件夹；建议使用 GPU）。</translation>
        </message>
        <message>
            <source>Text to image: type "a small red circle in the top left" or "一个蓝色的大方块" and the GAN draws it (offline captioned shapes, 32 px).</source>
            <translation>文本生成图像：输入“一个蓝色的大方块”或 "a small red circle in the top left"，GAN 就会画出来（离线的带描述图形，32 px）。</translation>
        </message>
        <message>
            <source>Text to image on the offline digits: "the digit seven", "数字七" (16 px).</source>
            <translation>在离线数字上做文本生成图像：“数字七”、"the digit seven"（16 px）。</translation>
        </message>
    </context>
    <context>
        <name>lessons</name>
        <message>
            <source>A generator and a discriminator</source>
            <translation>生成器与判别器</translation>
        </message>
        <message>
            <source>A variational autoencoder</source>
            <translation>变分自编码器</translation>
        </message>
        <message>
            <source>An autoencoder</source>
            <translation>自编码器</translation>
        </message>
        <message>
            <source>Both are trained on the same batches. The AE's codes spread out with gaps; the VAE's KL term pulls its codes towards a standard normal, so they overlap and random codes decode to plausible images (bottom rows).</source>
            <translation>两者在相同的 batch 上训练。AE 的编码四散分布、中间留有空隙；VAE 的 KL 项把编码拉向标准正态分布，使它们相互重叠，因此随机编码也能解码成像样的图像（下面几行）。</translation>
        </message>
        <message>
            <source>Close to equilibrium</source>
            <translation>接近均衡</translation>
        </message>
        <message>
            <source>D can hardly tell real from fake: D(x) = {d_real:.2f}, D(G(z)) = {d_fake:.2f}, both near 1/2. This is what the game aims for: the generated distribution matches the data where D can see.</source>
            <translation>D 几乎分不清真假：D(x) = {d_real:.2f}，D(G(z)) = {d_fake:.2f}，都接近 1/2。这正是这场博弈的目标：在 D 能看到的地方，生成分布与数据分布一致。</translation>
        </message>
        <message>
            <source>D gives real data D(x) = {d_real:.2f} and fakes D(G(z)) = {d_fake:.2f}: it tells them apart easily. G follows D's gradient (the arrows) towards the regions D believes are real.</source>
            <translation>D 给真实数据打分 D(x) = {d_real:.2f}，给生成样本打分 D(G(z)) = {d_fake:.2f}：它能轻松区分两者。G 沿着 D 的梯度（箭头）移向 D 认为是真实的区域。</translation>
        </message>
        <message>
            <source>D is winning</source>
            <translation>D 占上风</translation>
        </message>
        <message>
            <source>D(x) = {d_real:.2f}, D(G(z)) = {d_fake:.2f}. Each step D gets better at telling real from fake, then G moves its samples to where D is fooled.</source>
            <translation>D(x) = {d_real:.2f}，D(G(z)) = {d_fake:.2f}。每一步，D 都更善于分辨真假，随后 G 把样本移到 D 会被骗过的地方。</translation>
        </message>
        <message>
            <source>E-step done: responsibilities</source>
            <translation>E 步完成：责任度</translation>
        </message>
        <message>
            <source>Each component's weight becomes the share of responsibility it took, its mean the responsibility-weighted average of the points, its covariance their weighted spread. EM never lowers the likelihood.</source>
            <translation>每个分量的权重变为它承担的责任度份额，均值变为各点按责任度加权的平均，协方差变为加权的离散程度。EM 从不降低似然。</translation>
        </message>
        <message>
            <source>Each point's colour mixes its components' colours in proportion to r_nk = P(k | x_n), computed from the current weights, means and covariances.</source>
            <translation>每个点的颜色按 r_nk = P(k | x_n) 的比例混合各分量的颜色，r_nk 由当前的权重、均值和协方差算出。</translation>
        </message>
        <message>
            <source>G is ahead</source>
            <translation>G 领先</translation>
        </message>
        <message>
            <source>G now covers {covered} of {total} modes.</source>
            <translation>G 目前覆盖了 {total} 个模式中的 {covered} 个。</translation>
        </message>
        <message>
            <source>G turns random noise z into samples; D outputs the probability that its input is real. They take turns: D learns to tell real from fake, G learns to fool D. Press Space to start.</source>
            <translation>G 把随机噪声 z 变成样本；D 输出其输入为真实数据的概率。两者轮流训练：D 学习分辨真假，G 学习骗过 D。按空格键开始。</translation>
        </message>
        <message>
            <source>M-step: re-estimate the Gaussians</source>
            <translation>M 步：重新估计各个高斯</translation>
        </message>
        <message>
            <source>Next, the M-step moves each Gaussian.</source>
            <translation>接下来，M 步会移动每个高斯。</translation>
        </message>
        <message>
            <source>Reconstruction against KL</source>
            <translation>重建与 KL 的权衡</translation>
        </message>
        <message>
            <source>Step {step}.</source>
            <translation>第 {step} 步。</translation>
        </message>
        <message>
            <source>The adversarial game</source>
            <translation>对抗博弈</translation>
        </message>
        <message>
            <source>The encoder compresses each image to one code, the decoder reconstructs it. Nothing organises the code space, so it has gaps: a random code decodes to noise. Compare with a VAE.</source>
            <translation>编码器把每张图像压缩成一个编码，解码器再把它重建出来。没有任何约束来组织编码空间，所以其中有空隙：随机编码会解码成噪声。可以与 VAE 对比一下。</translation>
        </message>
        <message>
            <source>The encoder outputs a mean and a variance for each image; a code is sampled from them and decoded. A KL term pulls the codes towards a standard normal.</source>
            <translation>编码器为每张图像输出一个均值和一个方差；从中采样一个编码再解码。KL 项把编码拉向标准正态分布。</translation>
        </message>
        <message>
            <source>The fakes score higher than the real data (D(G(z)) = {d_fake:.2f} &gt; D(x) = {d_real:.2f}). D will catch up on the next steps: the two networks chase each other, which is why the curves oscillate.</source>
            <translation>生成样本的得分高于真实数据（D(G(z)) = {d_fake:.2f} &gt; D(x) = {d_real:.2f}）。D 会在接下来几步追上：两个网络你追我赶，这就是曲线振荡的原因。</translation>
        </message>
        <message>
            <source>The loss is reconstruction plus beta x KL (KL now {kl:.1f} nats). The KL term makes neighbouring codes overlap, so the points between two digits decode to in-betweens: drag in the latent explorer to see it.</source>
            <translation>损失 = 重建损失 + beta × KL（当前 KL 为 {kl:.1f} nats）。KL 项使相邻的编码相互重叠，因此两个数字之间的点会解码成介于两者之间的形状：在潜空间浏览器中拖动即可看到。</translation>
        </message>
        <message>
            <source>The mean log-likelihood is {ll:.3f}.</source>
            <translation>平均对数似然为 {ll:.3f}。</translation>
        </message>
        <message>
            <source>Training</source>
            <translation>训练</translation>
        </message>
        <message>
            <source>Why a VAE, not an AE</source>
            <translation>为什么用 VAE 而不是 AE</translation>
        </message>
    </context>
    <context>
        <name>messages</name>
        <message>
            <source>Training diverged at step %1: %2 became NaN or infinite, or exploded. The last good checkpoint (%3) is kept. Lower the learning rate and start again from it.</source>
            <translation>训练在第 %1 步发散：%2 变成了 NaN 或无穷大，或数值爆炸。最后一个正常的检查点（%3）已保留。请降低学习率，再从它继续训练。</translation>
        </message>
        <message>
            <source>Out of memory at step %1 with batch size %2. The weights are intact (last checkpoint: %4): set the batch size to %3 and resume.</source>
            <translation>第 %1 步内存不足（批大小 %2）。权重完好（最后的检查点：%4）：请把批大小设为 %3 再继续。</translation>
        </message>
        <message>
            <source>Could not write %1 (%2). Training goes on; everything saved before is intact (last checkpoint: %3). Free some space.</source>
            <translation>无法写入 %1（%2）。训练继续；之前保存的内容都完好（最后的检查点：%3）。请释放一些空间。</translation>
        </message>
        <message>
            <source>%1 file(s) in %2 could not be read (corrupt, empty or not an image) and were skipped; training uses the %3 others.</source>
            <translation>%2 中有 %1 个文件无法读取（损坏、为空或不是图像），已跳过；训练使用其余 %3 个。</translation>
        </message>
        <message>
            <source>torch.compile failed on this machine (%1); training goes on uncompiled.</source>
            <translation>torch.compile 在这台机器上失败（%1）；训练以未编译方式继续。</translation>
        </message>
        <message>
            <source>%1: %2</source>
            <translation>%1：%2</translation>
        </message>
        <message>
            <source>The training process ended unexpectedly (exit code %1). What it saved is intact: open its checkpoint (File &gt; Open checkpoint) to go on.</source>
            <translation>训练进程意外结束（退出码 %1）。已保存的内容完好：打开它的检查点（文件 &gt; 打开检查点）即可继续。</translation>
        </message>
        <message>
            <source>none yet</source>
            <translation>尚无</translation>
        </message>
        <message>
            <source>step %1</source>
            <translation>第 %1 步</translation>
        </message>
    </context>
    <context>
        <name>plots</name>
        <message>
            <source>Losses</source>
            <translation>损失</translation>
        </message>
        <message>
            <source>loss</source>
            <translation>损失</translation>
        </message>
        <message>
            <source>Metrics</source>
            <translation>指标</translation>
        </message>
        <message>
            <source>value</source>
            <translation>数值</translation>
        </message>
        <message>
            <source>step</source>
            <translation>步数</translation>
        </message>
        <message>
            <source>Discriminator output</source>
            <translation>判别器输出</translation>
        </message>
        <message>
            <source>D</source>
            <translation>D</translation>
        </message>
        <message>
            <source>Gradient norms</source>
            <translation>梯度范数</translation>
        </message>
        <message>
            <source>norm</source>
            <translation>范数</translation>
        </message>
        <message>
            <source>G loss</source>
            <translation>G 损失</translation>
        </message>
        <message>
            <source>D loss</source>
            <translation>D 损失</translation>
        </message>
        <message>
            <source>D(x)</source>
            <translation>D(x)</translation>
        </message>
        <message>
            <source>D(G(z))</source>
            <translation>D(G(z))</translation>
        </message>
        <message>
            <source>|grad G|</source>
            <translation>|grad G|</translation>
        </message>
        <message>
            <source>|grad D|</source>
            <translation>|grad D|</translation>
        </message>
        <message>
            <source>Log-likelihood</source>
            <translation>对数似然</translation>
        </message>
        <message>
            <source>per point</source>
            <translation>每个点</translation>
        </message>
        <message>
            <source>Model selection</source>
            <translation>模型选择</translation>
        </message>
        <message>
            <source>score</source>
            <translation>得分</translation>
        </message>
        <message>
            <source>log-likelihood</source>
            <translation>对数似然</translation>
        </message>
        <message>
            <source>BIC</source>
            <translation>BIC</translation>
        </message>
        <message>
            <source>AIC</source>
            <translation>AIC</translation>
        </message>
        <message>
            <source>loss per image</source>
            <translation>每张图像的损失</translation>
        </message>
        <message>
            <source>KL divergence</source>
            <translation>KL 散度</translation>
        </message>
        <message>
            <source>nats</source>
            <translation>nats</translation>
        </message>
        <message>
            <source>total</source>
            <translation>总损失</translation>
        </message>
        <message>
            <source>reconstruction</source>
            <translation>重建</translation>
        </message>
        <message>
            <source>KL</source>
            <translation>KL</translation>
        </message>
        <message>
            <source>VAE total</source>
            <translation>VAE 总损失</translation>
        </message>
        <message>
            <source>VAE reconstruction</source>
            <translation>VAE 重建</translation>
        </message>
        <message>
            <source>AE total</source>
            <translation>AE 总损失</translation>
        </message>
        <message>
            <source>VAE KL</source>
            <translation>VAE KL</translation>
        </message>
        <message>
            <source>Adversarial (LSGAN)</source>
            <translation>对抗损失（LSGAN）</translation>
        </message>
        <message>
            <source>Cycle L1</source>
            <translation>循环 L1</translation>
        </message>
        <message>
            <source>|F(G(a)) - a|</source>
            <translation>|F(G(a)) - a|</translation>
        </message>
        <message>
            <source>Identity L1</source>
            <translation>恒等 L1</translation>
        </message>
        <message>
            <source>|G(b) - b|</source>
            <translation>|G(b) - b|</translation>
        </message>
        <message>
            <source>G adv (A→B)</source>
            <translation>G 对抗（A→B）</translation>
        </message>
        <message>
            <source>F adv (B→A)</source>
            <translation>F 对抗（B→A）</translation>
        </message>
        <message>
            <source>D_A</source>
            <translation>D_A</translation>
        </message>
        <message>
            <source>D_B</source>
            <translation>D_B</translation>
        </message>
        <message>
            <source>cycle A</source>
            <translation>循环 A</translation>
        </message>
        <message>
            <source>cycle B</source>
            <translation>循环 B</translation>
        </message>
        <message>
            <source>identity A</source>
            <translation>恒等 A</translation>
        </message>
        <message>
            <source>identity B</source>
            <translation>恒等 B</translation>
        </message>
        <message>
            <source>P(real and matching)</source>
            <translation>P(真实且匹配)</translation>
        </message>
        <message>
            <source>real, right text</source>
            <translation>真实图像，正确文本</translation>
        </message>
        <message>
            <source>real, wrong text</source>
            <translation>真实图像，错误文本</translation>
        </message>
        <message>
            <source>fake, right text</source>
            <translation>生成图像，正确文本</translation>
        </message>
    </context>
    <context>
        <name>state</name>
        <message>
            <source>idle</source>
            <translation>空闲</translation>
        </message>
        <message>
            <source>starting</source>
            <translation>启动中</translation>
        </message>
        <message>
            <source>running</source>
            <translation>运行中</translation>
        </message>
        <message>
            <source>paused</source>
            <translation>已暂停</translation>
        </message>
        <message>
            <source>stopping</source>
            <translation>停止中</translation>
        </message>
    </context>
    <context>
        <name>Export</name>
        <message>
            <source>Generative Studio plots</source>
            <translation>Generative Studio 图表</translation>
        </message>
        <message>
            <source>Figure copied: paste it into your slides</source>
            <translation>图像已复制：可以粘贴到幻灯片中</translation>
        </message>
        <message>
            <source>Animated GIF of samples</source>
            <translation>样本动画 GIF</translation>
        </message>
        <message>
            <source>Folder for the exported model</source>
            <translation>导出模型的文件夹</translation>
        </message>
        <message>
            <source>No run with samples: train one, or open one in the Runs panel</source>
            <translation>没有带样本的训练：请训练一次，或在“训练记录”面板中打开一次</translation>
        </message>
        <message>
            <source>Run folder with samples</source>
            <translation>带样本的训练文件夹</translation>
        </message>
        <message>
            <source>No trained run: train one, or open one in the Runs panel</source>
            <translation>没有训练好的运行：请先训练一个，或在“运行”面板中打开一个</translation>
        </message>
        <message>
            <source>Export model</source>
            <translation>导出模型</translation>
        </message>
        <message>
            <source>Cannot export the GIF</source>
            <translation>无法导出 GIF</translation>
        </message>
        <message>
            <source>Plots as %1</source>
            <translation>图表导出为 %1</translation>
        </message>
        <message>
            <source>Cannot export the model</source>
            <translation>无法导出模型</translation>
        </message>
        <message>
            <source>Cannot export the plots</source>
            <translation>无法导出图表</translation>
        </message>
        <message>
            <source>Saved %1</source>
            <translation>已保存 %1</translation>
        </message>
        <message>
            <source>%1 holds an exported model already. Replace it?</source>
            <translation>%1 中已有导出的模型。要替换吗？</translation>
        </message>
        <message>
            <source>Exported %1 to %2 (run generate.py there)</source>
            <translation>已将 %1 导出到 %2（在那里运行 generate.py）</translation>
        </message>
        <message>
            <source>Wrote %1 frames to %2</source>
            <translation>已将 %1 帧写入 %2</translation>
        </message>
    </context>
    <context>
        <name>ModelFile</name>
        <message>
            <source>&amp;Model</source>
            <translation>模型(&amp;M)</translation>
        </message>
        <message>
            <source>&amp;Load model file…</source>
            <translation>加载模型文件(&amp;L)…</translation>
        </message>
        <message>
            <source>Use the studio's &amp;networks</source>
            <translation>使用工作室自带的网络(&amp;N)</translation>
        </message>
        <message>
            <source>Load model file</source>
            <translation>加载模型文件</translation>
        </message>
        <message>
            <source>Python files (*.py)</source>
            <translation>Python 文件 (*.py)</translation>
        </message>
        <message>
            <source>Model file changed</source>
            <translation>模型文件已更改</translation>
        </message>
        <message>
            <source>Stop the run first: the networks cannot change while it trains</source>
            <translation>请先停止运行：训练期间不能更换网络</translation>
        </message>
        <message>
            <source>Own networks plug into the gan, ae, vae and ae-vs-vae models; choose one of them under Model first</source>
            <translation>自定义网络可用于 gan、ae、vae 和 ae-vs-vae 模型；请先在“模型”中选择其中之一</translation>
        </message>
        <message>
            <source>Own networks from %1: checked by a trial pass when you press Start</source>
            <translation>自定义网络来自 %1：按“开始”时先试运行一次检查</translation>
        </message>
        <message>
            <source>%1.

Train on with the file as it is now? (The weights must still fit the networks it builds.)</source>
            <translation>%1。

用文件现在的内容继续训练吗？（权重仍须与它构建的网络相符。）</translation>
        </message>
    </context>
    <context>
        <name>VAEPanels</name>
        <message>
            <source>latent dimension</source>
            <translation>潜变量维度</translation>
        </message>
        <message>
            <source>KL (nats)</source>
            <translation>KL（nats）</translation>
        </message>
        <message>
            <source>KL per latent dimension (tall bars: dimensions in use)</source>
            <translation>每个潜变量维度的 KL（高柱：正在使用的维度）</translation>
        </message>
        <message>
            <source>step</source>
            <translation>步数</translation>
        </message>
        <message>
            <source>%1: inputs / reconstructions</source>
            <translation>%1：输入 / 重建</translation>
        </message>
        <message>
            <source>%1: decodes of z ~ N(0, I)</source>
            <translation>%1：z ~ N(0, I) 的解码</translation>
        </message>
    </context>
    <context>
        <name>Theme</name>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Light theme</source>
            <translation>浅色主题(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Dark theme</source>
            <translation>深色主题(&amp;D)</translation>
        </message>
    </context>
    <context>
        <name>views</name>
        <message>
            <source>Samples</source>
            <translation>样本</translation>
        </message>
        <message>
            <source>2-D field</source>
            <translation>二维场</translation>
        </message>
        <message>
            <source>Reconstructions &amp;&amp; samples</source>
            <translation>重建与样本</translation>
        </message>
        <message>
            <source>Press Start: the latent space appears here once the model exists, and follows it while it trains.</source>
            <translation>请按“开始”：模型建立后，潜空间会显示在这里，并随训练实时更新。</translation>
        </message>
        <message>
            <source>Latent explorer</source>
            <translation>潜空间浏览器</translation>
        </message>
        <message>
            <source>%1 latent space</source>
            <translation>%1 潜空间</translation>
        </message>
    </context>
</TS>
