"""Update rules and the course's Solver.

Every update rule: rule(w, dw, config=None) -> (next_w, config).
train(time_limit) counts this process's CPU time on a CPU device, so that a loaded machine trains as much as an
idle one; on a GPU, whose work the CPU clock does not see, the wall clock (as the course's notebook).
"""
import time

import torch


def _training_clock(device):
    """The clock a time limit is measured with on this device."""
    return time.process_time if str(device).split(':')[0] == 'cpu' else time.time


def sgd(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    w -= config['learning_rate'] * dw
    return w, config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('momentum', 0.9)
    v = config.get('velocity', torch.zeros_like(w))
    v = config['momentum'] * v - config['learning_rate'] * dw
    config['velocity'] = v
    return w + v, config


def rmsprop(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-2)
    config.setdefault('decay_rate', 0.99)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('cache', torch.zeros_like(w))
    cache = config['decay_rate'] * config['cache'] + (1 - config['decay_rate']) * dw * dw
    config['cache'] = cache
    return w - config['learning_rate'] * dw / (cache.sqrt() + config['epsilon']), config


def adam(w, dw, config=None):
    config = {} if config is None else config
    config.setdefault('learning_rate', 1e-3)
    config.setdefault('beta1', 0.9)
    config.setdefault('beta2', 0.999)
    config.setdefault('epsilon', 1e-8)
    config.setdefault('m', torch.zeros_like(w))
    config.setdefault('v', torch.zeros_like(w))
    config.setdefault('t', 0)
    config['t'] += 1
    config['m'] = config['beta1'] * config['m'] + (1 - config['beta1']) * dw
    config['v'] = config['beta2'] * config['v'] + (1 - config['beta2']) * dw * dw
    m_hat = config['m'] / (1 - config['beta1'] ** config['t'])
    v_hat = config['v'] / (1 - config['beta2'] ** config['t'])
    next_w = w - config['learning_rate'] * m_hat / (v_hat.sqrt() + config['epsilon'])
    return next_w, config


class Solver(object):
    """Minibatch training of a model with loss(X, y) -> (loss, grads) and params."""

    def __init__(self, model, data, **kwargs):
        self.model = model
        self.X_train, self.y_train = data['X_train'], data['y_train']
        self.X_val, self.y_val = data['X_val'], data['y_val']
        self.update_rule = kwargs.pop('update_rule', sgd)
        self.optim_config = kwargs.pop('optim_config', {})
        self.lr_decay = kwargs.pop('lr_decay', 1.0)
        self.batch_size = kwargs.pop('batch_size', 100)
        self.num_epochs = kwargs.pop('num_epochs', 10)
        self.num_train_samples = kwargs.pop('num_train_samples', 1000)
        self.num_val_samples = kwargs.pop('num_val_samples', None)
        self.device = kwargs.pop('device', 'cpu')
        self.checkpoint_name = kwargs.pop('checkpoint_name', None)
        self.print_every = kwargs.pop('print_every', 10)
        self.print_acc_every = kwargs.pop('print_acc_every', 1)
        self.verbose = kwargs.pop('verbose', True)
        if len(kwargs) > 0:
            extra = ', '.join('"%s"' % k for k in list(kwargs.keys()))
            raise ValueError('Unrecognized arguments %s' % extra)
        self._reset()

    def _reset(self):
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {p: {k: v for k, v in self.optim_config.items()} for p in self.model.params}

    def _step(self):
        num_train = self.X_train.shape[0]
        batch_mask = torch.randperm(num_train)[:self.batch_size]
        X_batch = self.X_train[batch_mask].to(self.device)
        y_batch = self.y_train[batch_mask].to(self.device)
        loss, grads = self.model.loss(X_batch, y_batch)
        self.loss_history.append(loss.item())
        with torch.no_grad():
            for p, w in self.model.params.items():
                next_w, next_config = self.update_rule(w, grads[p], self.optim_configs[p])
                self.model.params[p] = next_w
                self.optim_configs[p] = next_config

    def _save_checkpoint(self):
        if self.checkpoint_name is None:
            return
        checkpoint = {'model': self.model, 'update_rule': self.update_rule, 'lr_decay': self.lr_decay,
                      'optim_config': self.optim_config, 'batch_size': self.batch_size,
                      'num_train_samples': self.num_train_samples, 'num_val_samples': self.num_val_samples,
                      'epoch': self.epoch, 'loss_history': self.loss_history,
                      'train_acc_history': self.train_acc_history, 'val_acc_history': self.val_acc_history}
        filename = '%s_epoch_%d.pkl' % (self.checkpoint_name, self.epoch)
        if self.verbose:
            print('Saving checkpoint to "%s"' % filename)
        torch.save(checkpoint, filename)

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """Fraction of X classified as y, on at most num_samples random samples."""
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = torch.randperm(N, device=self.device)[:num_samples]
            N = num_samples
            X, y = X[mask], y[mask]
        X, y = X.to(self.device), y.to(self.device)
        num_batches = (N + batch_size - 1) // batch_size
        y_pred = []
        for i in range(num_batches):
            scores = self.model.loss(X[i * batch_size:(i + 1) * batch_size])
            y_pred.append(torch.argmax(scores, dim=1))
        y_pred = torch.cat(y_pred)
        return (y_pred == y).to(torch.float).mean().item()

    def train(self, time_limit=None, return_best_params=True):
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch
        clock = _training_clock(self.device)
        prev_time = start_time = clock()
        for t in range(num_iterations):
            cur_time = clock()
            if time_limit is not None and t > 0:
                next_time = cur_time - prev_time
                if cur_time - start_time + next_time > time_limit:
                    print('(Time %.2f sec; Iteration %d / %d) loss: %f'
                          % (cur_time - start_time, t, num_iterations, self.loss_history[-1]))
                    print('End of training; next iteration will exceed the time limit.')
                    break
            prev_time = cur_time
            self._step()
            if self.verbose and t % self.print_every == 0:
                print('(Time %.2f sec; Iteration %d / %d) loss: %f'
                      % (clock() - start_time, t + 1, num_iterations, self.loss_history[-1]))
            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for k in self.optim_configs:
                    self.optim_configs[k]['learning_rate'] *= self.lr_decay
            with torch.no_grad():
                first_it = t == 0
                last_it = t == num_iterations - 1
                if first_it or last_it or epoch_end:
                    train_acc = self.check_accuracy(self.X_train, self.y_train,
                                                    num_samples=self.num_train_samples)
                    val_acc = self.check_accuracy(self.X_val, self.y_val, num_samples=self.num_val_samples)
                    self.train_acc_history.append(train_acc)
                    self.val_acc_history.append(val_acc)
                    self._save_checkpoint()
                    if self.verbose and self.epoch % self.print_acc_every == 0:
                        print('(Epoch %d / %d) train acc: %f; val_acc: %f'
                              % (self.epoch, self.num_epochs, train_acc, val_acc))
                    if val_acc > self.best_val_acc:
                        self.best_val_acc = val_acc
                        self.best_params = {k: v.clone() for k, v in self.model.params.items()}
        if return_best_params:
            self.model.params = self.best_params
